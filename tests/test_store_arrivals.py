"""The shared store's seams for statistics: arrivals, batched increments, counters by prefix."""

import threading
import time

import pytest
import redis

from cms.store import RedisBackend, flush_all, get_store

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _buffers_written(make_app):
    """Buffered writes reach the database before the test's apps are disposed."""
    yield
    flush_all()


@pytest.fixture(params=["database", "redis"])
def store_app(request, make_app):
    """An app whose store is the database, or Redis when ``CMS_TEST_REDIS_URL`` is set."""
    if request.param == "redis":
        return make_app(REDIS_URL=request.getfixturevalue("redis_url"))
    return make_app(REDIS_URL=None)


def written(app):
    """Every buffered write of this process is in the database now."""
    flush_all()
    return app


def test_an_arrival_counts_once_while_the_key_stays_present(store_app):
    with store_app.app_context():
        store = get_store()
        for _ in range(3):
            store.arrive_later("seen:a", 60, ["visits", "visits:today"])
        store.arrive_later("seen:b", 60, ["visits"])
        written(store_app)
        assert store.get_many(["visits", "visits:today"]) == {"visits": 2, "visits:today": 1}
        assert store.get("seen:a") >= 1  # present


def test_an_arrival_after_the_presence_ended_counts_again(store_app):
    with store_app.app_context():
        store = get_store()
        store.arrive_later("seen:short", 0.3, ["visits"])
        written(store_app)
        store.arrive_later("seen:short", 0.3, ["visits"])  # within the ttl: same visit
        written(store_app)
        assert store.get("visits") == 1
        time.sleep(0.5)
        store.arrive_later("seen:short", 0.3, ["visits"])
        written(store_app)
        assert store.get("visits") == 2


def test_a_sighting_slides_the_presence_forward(store_app):
    with store_app.app_context():
        store = get_store()
        store.arrive_later("seen:slide", 2.0, ["visits"])
        written(store_app)
        for _ in range(3):  # 2.4 s in all, never 2 s apart
            time.sleep(0.8)
            store.arrive_later("seen:slide", 2.0, ["visits"])
            written(store_app)
        assert store.get("visits") == 1


def test_concurrent_arrivals_of_many_visitors_count_exactly(store_app):
    visitors, rounds = 20, 5
    errors = []
    barrier = threading.Barrier(visitors)

    def work(number):
        try:
            with store_app.app_context():
                barrier.wait(timeout=10)
                for _ in range(rounds):
                    get_store().arrive_later(f"seen:{number}", 60, ["visits"])
        except Exception as exc:  # reported below
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(n,)) for n in range(visitors)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not errors
    with written(store_app).app_context():
        assert get_store().get("visits") == visitors


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_arrivals_agree_across_workers(make_app, request, backend):
    url = request.getfixturevalue("redis_url") if backend == "redis" else None
    first, second = make_app(REDIS_URL=url), make_app(REDIS_URL=url)
    for app in (first, second, first, second):
        with app.app_context():
            get_store().arrive_later("seen:shared", 60, ["visits"])
        flush_all()
    with first.app_context():
        assert get_store().get("visits") == 1


def test_incr_many_later_adds_every_amount(store_app):
    with store_app.app_context():
        store = get_store()
        store.incr_many_later({"views:article:1": 3, "views:article:2": 1, "zero": 0})
        store.incr_many_later({"views:article:1": 2})
        assert store.get_many(["views:article:1", "views:article:2", "zero"]) == {
            "views:article:1": 5,
            "views:article:2": 1,
            "zero": 0,
        }
        written(store_app)
        assert store.get("views:article:1") == 5


def test_counters_lists_a_prefix_only(store_app):
    with store_app.app_context():
        store = get_store()
        store.incr("stats:day:2026-12-01", 4)
        store.incr("stats:day:2026-12-02", 2)
        store.incr("stats:total", 9)
        store.incr_later("stats:day:2026-12-03")
        assert store.counters("stats:day:") == {
            "stats:day:2026-12-01": 4,
            "stats:day:2026-12-02": 2,
            "stats:day:2026-12-03": 1,
        }
        assert store.counters("nothing:") == {}
        with pytest.raises(ValueError, match="prefix"):
            store.counters("")


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("arrive_later", ("", 60, ["x"])),
        ("arrive_later", ("k", 0, ["x"])),
        ("arrive_later", ("k", 60, ["x" * 256])),
        ("incr_many_later", ({"": 1},)),
    ],
)
def test_bad_arguments_are_refused(store_app, call, args):
    with store_app.app_context(), pytest.raises(ValueError, match="must be"):
        getattr(get_store(), call)(*args)


def test_with_redis_down_arrivals_and_batches_go_to_the_database(make_app):
    app = make_app(REDIS_URL=DEAD_REDIS, STORE_REDIS_TIMEOUT=0.2)
    with app.app_context():
        store = get_store()
        started = time.monotonic()
        store.arrive_later("seen:down", 60, ["visits"])
        store.arrive_later("seen:down", 60, ["visits"])
        store.incr_many_later({"views:article:7": 2})
        assert time.monotonic() - started < 2
        written(app)
        assert store.database.get_many(["visits", "views:article:7"], time.time()) == {
            "visits": 1,
            "views:article:7": 2,
        }
        assert store.counters("views:") == {"views:article:7": 2}


def test_redis_going_away_mid_run_loses_no_arrival(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url, STORE_REDIS_RETRY=0.2)
    with app.app_context():
        store = get_store()
        store.arrive_later("seen:1", 60, ["visits"])
        assert store.redis_backend.client.get(store.redis_backend.prefix + "c:visits") == "1"
        gone = redis.Redis.from_url(DEAD_REDIS, socket_timeout=0.2, socket_connect_timeout=0.2)
        store.redis_backend = RedisBackend(gone, store.redis_backend.prefix)  # Redis went away
        started = time.monotonic()
        store.arrive_later("seen:2", 60, ["visits"])
        store.arrive_later("seen:1", 60, ["visits"])  # Redis held its presence: counted anew
        assert time.monotonic() - started < 2
        written(app)
        assert store.database.get_many(["visits"], time.time()) == {"visits": 2}
