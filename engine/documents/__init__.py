"""Documents an office produces from its list: 台账, 调度表, 通报, 工作汇报, and the list as Excel."""
