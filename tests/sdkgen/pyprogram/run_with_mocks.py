"""Runs program.py under Pulumi's mocks and prints, as JSON, the resources it registered (type,
name, inputs) and the functions it invoked (token, args): what the SDK sends the engine."""
import json
import sys

import pulumi


class Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.resources = []
        self.calls = []

    def new_resource(self, args):
        self.resources.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
        return [f"{args.name}-id", args.inputs]

    def call(self, args):
        self.calls.append({"token": args.token, "args": args.args})
        summary = {"total": 0, "pending": 0, "running": 0, "succeeded": 0, "failed": 0, "cancelled": 0,
                   "timedOut": 0, "finished": 0, "unknown": 0, "done": True,
                   "targets": {"total": 0, "succeeded": 0, "failed": 0, "skipped": 0}}
        return {"id": "q-1", "query": {}, "tasks": [], "totalCount": 0, "summary": summary, "requestIds": []}


mocks = Mocks()
pulumi.runtime.set_mocks(mocks, preview=False)
sys.path.insert(0, sys.argv[1])
import program  # noqa: E402  (runs the program under the mocks)


@pulumi.runtime.test
def registered():
    return pulumi.Output.all(program.gate.urn, program.nightly.urn, program.processing.total_count, program.jobs.summary)


registered()
print(json.dumps({"resources": mocks.resources, "calls": mocks.calls}, default=str, sort_keys=True))
