"""Serve the stand-in of the assessment service on its own, for a person trying OpenEPA.

    PYTHONPATH=src:. python -m tests.standin --port 8089 --key demo-key [--from-openepa]

then run OpenEPA with ``ASSESSMENT_SERVICE_URL=http://127.0.0.1:8089/`` and
``ASSESSMENT_SERVICE_KEY=demo-key``. With ``--from-openepa`` it first reads OpenEPA's database
(``DJANGO_SETTINGS_MODULE``, by default ``openepa.settings``): every registration's apprentice
becomes a learner the service holds, with the LARS codes the EPAO set, and the EPAO is approved
for those standards. It prints what it serves, then one line for each request it answers. What
it holds lives in memory: stop it and it is gone.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from werkzeug.serving import run_simple

from tests.standin.service import LoggedRequest, StandIn


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, fill the stand-in and serve it until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.standin", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--key", default="demo-key", help="the subscription key it accepts")
    parser.add_argument(
        "--from-openepa",
        action="store_true",
        help="add a learner for every registration in OpenEPA's database",
    )
    args = parser.parse_args(argv)
    standin = StandIn(args.key)
    if args.from_openepa:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
        import django

        django.setup()
        from tests.standin.seed import seed_from_openepa

        print("Learners from OpenEPA's registrations:")
        for line in seed_from_openepa(standin):
            print(line)
    print(describe(standin, args.host, args.port))
    standin.on_request = _print_request
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    run_simple(args.host, args.port, standin.wsgi(), threaded=True)
    return 0


def describe(standin: StandIn, host: str, port: int) -> str:
    """What the stand-in serves: where, with which key, which standards and approvals."""
    state = standin.state
    lines = [
        f"Stand-in of the apprenticeship assessment service on http://{host}:{port}/",
        f"  subscription key (Ocp-Apim-Subscription-Key): {standin.key}",
        f"  calling EPAO: {state.epao_id} {state.epao_name} (UKPRN {state.ukprn})",
    ]
    for code, versions in sorted(state.catalogue.by_code.items()):
        approved = ", ".join(state.approved_versions(code)) or "not approved"
        known = ", ".join(v.version for v in versions)
        reference = versions[0].reference
        lines.append(f"  standard {reference} (LARS {code}): versions {known}; approved {approved}")
    lines.append(f"  {len(state.learners)} learners held; requests follow, one line each")
    return "\n".join(lines)


def _print_request(entry: LoggedRequest) -> None:
    print(entry.summary(), flush=True)


if __name__ == "__main__":
    sys.exit(main())
