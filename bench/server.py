"""The application as the benchmark serves it, plus a hello-world route for comparison."""

from coordination import create_app
from coordination.permissions import public

app = create_app()


@public
def hello():
    return "Hello, world!"


app.add_url_rule("/bench/hello", "bench_hello", hello)
