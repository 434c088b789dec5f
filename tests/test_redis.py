"""With CMS_REDIS_URL, workers share caches and rate limits through Redis."""

import redis

from cms.store import get_store
from cms.testing import csrf_token_from


def test_the_cache_and_rate_limits_use_redis(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url)
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["RATELIMIT_STORAGE_URI"] == "cms+store://"  # the store, in Redis here
    with app.app_context():
        from cms.extensions import cache

        cache.set("probe", "xin chào")
        assert cache.get("probe") == "xin chào"
    keys = redis.Redis.from_url(redis_url).keys("cms:*")
    assert keys
    with app.test_request_context("/"):
        assert get_store().incr("probe") == 1
    assert redis.Redis.from_url(redis_url).keys("*c:probe")


def failed_login(client, email):
    page = client.get("/admin/login")
    data = {"email": email, "password": "wrong", "csrf_token": csrf_token_from(page.text)}
    return client.post("/admin/login", data=data)


def test_failed_sign_ins_are_counted_across_workers(make_app, make_user, redis_url):
    first = make_app(REDIS_URL=redis_url).test_client()
    second = make_app(REDIS_URL=redis_url).test_client()
    make_user(email="ed@example.org")
    for i in range(5):
        client = first if i % 2 else second
        assert failed_login(client, "ed@example.org").status_code == 422
    assert failed_login(first, "ed@example.org").status_code == 429
    assert failed_login(second, "ed@example.org").status_code == 429
