"""Programmable Rate Limits through the official twilio SDK, and the control API from outside."""
import json

import requests

from conftest import expect_error, number


def test_rate_limit_and_bucket_crud(client, service):
    rate_limits = client.verify.v2.services(service.sid).rate_limits
    created = rate_limits.create(unique_name="end_user_ip_address", description="Per IP")
    assert created.sid.startswith("RK") and created.unique_name == "end_user_ip_address"
    assert rate_limits(created.sid).fetch().description == "Per IP"
    assert rate_limits(created.sid).update(description="By IP").description == "By IP"
    rate_limits.create(unique_name="second")
    assert [r.unique_name for r in rate_limits.list(page_size=1)] == ["end_user_ip_address", "second"]
    expect_error(lambda: rate_limits.create(unique_name="end_user_ip_address"), 400, 60200)

    buckets = rate_limits(created.sid).buckets
    bucket = buckets.create(max=3, interval=60)
    assert bucket.sid.startswith("BL") and bucket.max == 3 and bucket.interval == 60
    assert buckets(bucket.sid).fetch().rate_limit_sid == created.sid
    assert buckets(bucket.sid).update(max=4).max == 4
    assert [b.sid for b in buckets.list()] == [bucket.sid]
    expect_error(lambda: buckets.create(max=0, interval=60), 400, 60200)
    assert buckets(bucket.sid).delete() is True
    expect_error(lambda: buckets(bucket.sid).fetch(), 404, 20404)
    assert rate_limits(created.sid).delete() is True
    expect_error(lambda: rate_limits(created.sid).fetch(), 404, 20404)


def test_bucket_enforced_on_start(client, service):
    limit = client.verify.v2.services(service.sid).rate_limits.create(unique_name="end_user_ip_address")
    client.verify.v2.services(service.sid).rate_limits(limit.sid).buckets.create(max=2, interval=60)
    verifications = client.verify.v2.services(service.sid).verifications
    ip = {"end_user_ip_address": "203.0.113.7"}
    verifications.create(to=number(), channel="sms", rate_limits=ip)
    verifications.create(to=number(), channel="sms", rate_limits=ip)
    expect_error(lambda: verifications.create(to=number(), channel="sms", rate_limits=ip), 429, 20429)
    verifications.create(to=number(), channel="sms", rate_limits={"end_user_ip_address": "198.51.100.1"})


def test_clock_and_fixed_codes_from_outside(emulator, client, service):
    to = number()
    response = requests.post(emulator.url + "/emulator/v1/codes", json={"code": "135790", "to": to}, timeout=5)
    assert response.status_code == 201
    client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms")
    waited = requests.get(emulator.url + "/emulator/v1/messages", params={"to": to, "wait": "2s"}, timeout=5).json()
    assert waited["messages"][0]["code"] == "135790"

    requests.post(emulator.url + "/emulator/v1/clock", json={"advance_seconds": 601}, timeout=5)
    expect_error(
        lambda: client.verify.v2.services(service.sid).verification_checks.create(to=to, code="135790"), 404, 20404
    )
    log = requests.get(emulator.url + "/emulator/v1/requests", params={"errors": "true", "limit": 1}, timeout=5).json()
    assert log["requests"][0]["error_code"] == 20404
    assert "expired" in log["requests"][0]["hint"]
