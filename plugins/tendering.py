"""Built-in step type ``tendering`` (招投标): the award's data, its legal periods and the contract deadline.

Task option ``tendering: {mandatory: bool}`` (default true: a project that must be tendered).

Leaving the tendering state for good (the award) needs the announcement date, the bid deadline, the
winning bidder, the award amount and the award notice date (``fire --data`` or ``qingdan record``
beforehand). The rules, from the PRC Tendering and Bidding Law (招标投标法) and its implementing
regulations (实施条例):

- dates in order: announced ≤ bid deadline ≤ (candidate publicity ≤) award notice ≤ contract; what has
  happened (all but the bid deadline) not after today;
- mandatory tenders: at least 20 days from the announcement to the bid deadline (第二十四条), else
  the award is refused;
- mandatory tenders: a warning when the winning candidate was published fewer than 3 days before the
  award notice (实施条例 第五十四条), or when the publicity date is not recorded;
- the award starts the item's deadline ``contract``: a written contract within 30 days of the award
  notice (第四十六条), reminded like any deadline until ``contract_signed`` is recorded.
"""

from __future__ import annotations

import datetime as dt

from engine.plugin import DataField, DeadlineRule, StepType, hookimpl, say

BIDDING_DAYS = 20  # 招标投标法 第二十四条
PUBLICITY_DAYS = 3  # 招标投标法实施条例 第五十四条
CONTRACT_DAYS = 30  # 招标投标法 第四十六条

CONTRACT_LABEL = "签订书面合同"  # stored with the deadline, in the list's language
AWARD_KEYS = ("announced", "bid_deadline", "winner", "amount", "award_notice")


class Tendering(StepType):
    name = "tendering"
    title = "招投标"
    title_en = "tendering"
    evidence_kind = "document"  # notices and contracts: scans and PDFs
    task_options = {"tendering": "plugins.option_models:TenderingOptions"}
    data_fields = (
        DataField("announced", "招标公告发布日期", "tender announcement date", "date", past=True),
        DataField("bid_deadline", "投标截止日期", "bid deadline", "date"),
        DataField("winner", "中标单位", "winning bidder"),
        DataField("amount", "中标金额", "award amount", "amount"),
        DataField("publicity", "中标候选人公示日期", "winning candidate published on", "date", past=True),
        DataField("award_notice", "中标通知书发出日期", "award notice date", "date", past=True),
        DataField("contract_signed", "合同签订日期", "contract signed on", "date", past=True),
    )
    leave_requires = AWARD_KEYS
    derived_deadlines = (
        DeadlineRule(
            "contract",
            "签订书面合同",
            "中标通知书发出之日起 30 日内订立书面合同(招标投标法第四十六条);记录 contract_signed 即满足。",
            "a written contract within 30 days of the award notice (Tendering Law art. 46); met when contract_signed is recorded.",
        ),
    )

    def guard(self, context):
        if not context.leaves(self.name):
            return None
        values = context.values(self.name)
        problem = _out_of_order(values)
        if problem:
            return problem
        mandatory = _mandatory(context.task)
        announced, bid_deadline = _date(values["announced"]), _date(values["bid_deadline"])
        if mandatory and (bid_deadline - announced).days < BIDDING_DAYS:
            return say(
                "依法必须招标的项目,自招标文件发出之日起至投标截止不得少于 {n} 日(招标投标法第二十四条):{a} 至 {b} 只有 {d} 日。不能定标。",
                "a project that must be tendered needs at least {n} days from the tender documents to the bid deadline "
                "(Tendering Law art. 24): {a} to {b} is only {d} days. The award is refused.",
                n=BIDDING_DAYS,
                a=announced,
                b=bid_deadline,
                d=(bid_deadline - announced).days,
            )
        if mandatory:
            for warning in _publicity_warnings(values):
                context.warn(warning)
        return None

    def after_transition(self, context):
        if not context.leaves(self.name):
            return
        values = context.values(self.name)
        if "contract_signed" not in values:
            context.start_deadline("contract", CONTRACT_LABEL, _date(values["award_notice"]) + dt.timedelta(days=CONTRACT_DAYS))

    def check_record(self, record):
        known = record.known
        problem = _out_of_order(known)
        if problem:
            return problem
        if "contract_signed" in record.values and "award_notice" not in known:
            return say(
                "还没有记录中标通知书发出日期(award_notice),不能记录合同签订。",
                "the award notice date (award_notice) is not recorded yet, so the contract signing cannot be.",
            )
        if _mandatory(record.task) and "announced" in known and "bid_deadline" in known:
            days = (_date(known["bid_deadline"]) - _date(known["announced"])).days
            if days < BIDDING_DAYS:
                record.warn(
                    say(
                        "招标公告到投标截止只有 {d} 日,少于法定的 {n} 日(招标投标法第二十四条):定标时将被拒绝。",
                        "only {d} days from the announcement to the bid deadline, fewer than the {n} the law requires "
                        "(Tendering Law art. 24): the award will be refused.",
                        d=days,
                        n=BIDDING_DAYS,
                    )
                )
        return None

    def after_record(self, record):
        if "contract_signed" in record.values:
            record.meet_deadline("contract")
        elif "award_notice" in record.values and record.item_state is not None:
            workflow = record.checklist.workflows[record.task.workflow]
            tendering_states = [s for s, state in workflow.states.items() if state.step == self.name]
            awarded = record.item_state not in tendering_states and any(
                s in workflow.reached.get(record.item_state, ()) for s in tendering_states
            )
            if awarded and "contract_signed" not in record.known:  # a corrected notice date moves the contract deadline
                record.start_deadline("contract", CONTRACT_LABEL, _date(record.values["award_notice"]) + dt.timedelta(days=CONTRACT_DAYS))


def _mandatory(task) -> bool:
    return bool((task.options.get("tendering") or {}).get("mandatory", True))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


ORDER = ("announced", "bid_deadline", "publicity", "award_notice", "contract_signed")


def _out_of_order(values: dict) -> str | None:
    """The first date that comes before an earlier step's date, as a refusal."""
    labels = {f.key: f for f in Tendering.data_fields}
    present = [key for key in ORDER if key in values]
    for earlier, later in zip(present, present[1:]):
        if _date(values[later]) < _date(values[earlier]):
            return say(
                "{a}({ak} {ad})不能早于{b}({bk} {bd})。",
                "{a} ({ak} {ad}) cannot be before {b} ({bk} {bd}).",
                a=labels[later].title(),
                ak=later,
                ad=values[later],
                b=labels[earlier].title(),
                bk=earlier,
                bd=values[earlier],
            )
    return None


def _publicity_warnings(values: dict) -> list[str]:
    if "publicity" not in values:
        return [
            say(
                "没有记录中标候选人公示日期(publicity),无法核对 {n} 日公示期(实施条例第五十四条)。",
                "the winning candidate's publicity date (publicity) is not recorded, so the {n}-day publicity "
                "(Implementing Regulations art. 54) cannot be checked.",
                n=PUBLICITY_DAYS,
            )
        ]
    days = (_date(values["award_notice"]) - _date(values["publicity"])).days
    if days < PUBLICITY_DAYS:
        return [
            say(
                "中标候选人公示({p})到发出中标通知书({a})只有 {d} 日,公示期不得少于 {n} 日(实施条例第五十四条)。",
                "only {d} days between publishing the winning candidate ({p}) and the award notice ({a}); the publicity "
                "must last at least {n} days (Implementing Regulations art. 54).",
                p=values["publicity"],
                a=values["award_notice"],
                d=days,
                n=PUBLICITY_DAYS,
            )
        ]
    return []


@hookimpl
def qingdan_step_types():
    return [Tendering()]
