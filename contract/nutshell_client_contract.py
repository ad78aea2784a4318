"""Contract test: the public Python client `nutshell` 0.4.4 (PyPI), written against the live
Nutshell API, drives `crm-migrate sandbox` with its own request builders and validates every
answer with its own pydantic response models. The sandbox is held to that client, not to ours.

Run through contract/run.sh (it makes the virtualenv and starts the sandbox). Usage:
    python nutshell_client_contract.py ENDPOINT USERNAME API_KEY
Exits 0 only when every call passed; prints one line per call and a summary.
"""

import sys
import traceback
from importlib.metadata import version

from nutshell import NutshellAPI, entities, methods, responses
from nutshell.methods import _APIMethod
from pydantic import BaseModel, computed_field

WANTED_VERSION = "0.4.4"


class _Create(_APIMethod):
    """The public client has no builder for newAccount/newContact/newLead; these use its own
    `_APIMethod` base (same envelope, same transport) with the shapes in nutshell-api.md."""

    body: dict
    key: str

    @computed_field
    @property
    def params(self) -> dict:
        return {self.key: self.body}


class _Stored(BaseModel):
    """What every record answer carries (the public client has no Account/Contact model)."""

    id: int
    rev: str
    entityType: str
    createdTime: str
    modifiedTime: str


class _StoredResult(BaseModel):
    result: _Stored


class _LeadResult(BaseModel):
    result: entities.Lead


def main() -> int:
    endpoint, username, key = sys.argv[1:4]
    installed = version("nutshell")
    if installed != WANTED_VERSION:
        print(f"FAIL: nutshell {installed} is installed, the contract is written for {WANTED_VERSION}")
        return 1
    api = NutshellAPI(username, key)
    api.URL = endpoint  # the class points at app.nutshell.com; the instance at the sandbox

    passed, failed = [], []

    def call(label, method, model=None):
        """Send one call with the public client; validate the raw answer with `model` when the
        client itself does not map it (our setup calls)."""
        try:
            if model is None:
                api.api_calls = method
                answer = api.call_api()
            else:
                import asyncio

                import aiohttp

                async def raw():
                    async with aiohttp.ClientSession() as session:
                        return await api._fetch_report(session, method)

                answer = model(**asyncio.run(raw()))
            passed.append(label)
            print(f"PASS {label}")
            return answer.result
        except Exception as e:  # a refusal or an answer the models reject
            failed.append(label)
            detail = "".join(traceback.format_exception_only(type(e), e)).strip()
            print(f"FAIL {label}: {detail[:2000]}")
            return None

    users = call("findUsers (orderBy last_name)", methods.FindUsers())
    me = call("getUser (no id: the API user)", methods.GetUser())
    stagesets = call("findStagesets", methods.FindStagesets())
    milestones = call("findMilestones", methods.FindMilestones())
    types = call("findActivityTypes", methods.FindActivityTypes())
    if not (users and me and stagesets and milestones and types):
        print(f"FAIL: reference data unreadable; {len(passed)} passed, {len(failed)} failed")
        return 1

    account = call(
        "newAccount (setup)",
        _Create(api_method="newAccount", key="account", body={"name": "Contract Textiles"}),
        _StoredResult,
    )
    contact = call(
        "newContact (setup)",
        _Create(
            api_method="newContact",
            key="contact",
            body={"name": "Asha Rao", "accounts": [{"id": account.id}] if account else []},
        ),
        _StoredResult,
    )
    sales = stagesets[0]
    lead = call(
        "newLead (validated by the public Lead model)",
        _Create(
            api_method="newLead",
            key="lead",
            body={
                "description": "Contract lead",
                "assignee": {"entityType": "Users", "id": me.id},
                "stagesetId": sales.id,
                "contacts": [{"id": contact.id}] if contact else [],
                "primaryAccount": {"id": account.id} if account else None,
            },
        ),
        _LeadResult,
    )
    if lead:
        got = call("getLead", methods.GetLead(lead_id=lead.id))
        if got and not (isinstance(got.assignee, entities.User) and got.creator and got.milestone):
            failed.append("getLead shape")
            print("FAIL getLead shape: assignee/creator must be full users, milestone a Milestone")
        call("findLeads (stubs, orderBy id)", methods.FindLeads())
        call(
            "findLeads (open, assigned to the API user)",
            methods.FindLeads(
                query=entities.FindLeadsQuery(
                    status=entities.FindLeadsQueryStatus.OPEN, assignee=[me]
                ),
                stub_responses=False,
            ),
        )
        edited = call(
            "editLead", methods.EditLead(lead_id=lead.id, rev=got.rev if got else lead.rev, lead={"confidence": 60})
        )
        if edited is not None and edited.confidence != 60:
            failed.append("editLead value")
            print("FAIL editLead value: confidence did not change")

    phone = next((t for t in types if t.name == "Phone Call"), types[0])
    activity = call(
        "newActivity",
        methods.NewActivity(
            activity=entities.CreateActivity(
                name="Intro call",
                activity_type_id=phone.id,
                start_time="2024-07-18T12:00:00+0000",
                end_time="2024-07-18T12:30:00+0000",
                status=entities.ActivityStatus.LOGGED,
                participants=[{"entityType": "Contacts", "id": contact.id}] if contact else None,
            )
        ),
    )
    if activity:
        got = call("getActivity", methods.GetActivity(activity_id=activity.id))
        call(
            "findActivities",
            methods.FindActivities(query=entities.FindActivitiesQuery(status=entities.ActivityStatus.LOGGED)),
        )
        edited = call(
            "editActivity",
            methods.EditActivity(
                activity_id=activity.id, rev=got.rev if got else activity.rev, activity={"description": "Edited"}
            ),
        )
        deleted = call(
            "deleteActivity",
            methods.DeleteActivity(activity_id=activity.id, rev=edited.rev if edited else activity.rev),
        )
        if deleted is not True:
            failed.append("deleteActivity value")
            print("FAIL deleteActivity value: expected true")

    total = len(passed) + len(failed)
    print(f"{len(passed)} of {total} calls passed the public client's models")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
