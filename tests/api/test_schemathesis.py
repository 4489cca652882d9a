"""Property-based fuzzing of the whole JSON API from its OpenAPI schema: no input gives a 500.

Schemathesis generates path/query parameters and bodies for every operation — valid ones, invalid
ones (wrong types, huge numbers, odd strings, random files) and valid ones aimed at real records —
and calls the app in process with an admin's bearer token, so every route is reached past
authentication. Kept small (a few examples per operation and mode) so that it runs in the normal
suite in well under a minute.

(`schemathesis.pytest.from_fixture` needs `Function._nodeid`, which pytest 9 removed; the
operations are therefore driven by hand with `APIOperation.as_strategy` and Hypothesis.)
"""

import re

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

MAX_EXAMPLES = 5
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_no_input_gives_a_server_error(app, client, world, records):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    headers = world.headers("admin")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = re.findall(r"{(\w+)}", operation.path)
        real_ids = {n: records[n] for n in names if n in records}
        modes = [(GenerationMode.POSITIVE, {}), (GenerationMode.NEGATIVE, {})]
        if real_ids:
            modes.append((GenerationMode.POSITIVE, real_ids))
        for mode, path_parameters in modes:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

            @FUZZ
            @given(case=strategy)
            def run(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])

            try:
                run()
            except Unsatisfiable:
                if mode is not GenerationMode.NEGATIVE:
                    raise
                # nothing to get wrong: the operation takes no parameters and no body
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
