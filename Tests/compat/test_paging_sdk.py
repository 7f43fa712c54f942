"""Paging through the official twilio SDK: every list the emulator serves, filtered and walked one
row a page with other rows present, through `.list()` and `.stream()`, which follow
`next_page_url` as given; and the same while rows are created between two page fetches."""
import json
import time
import uuid

import pyotp
import pytest


def walked(listing, **filters):
    """The SIDs (or countries) a list gives through both of the SDK's ways of paging."""
    def key(item):
        return getattr(item, "sid", None) or item.country

    through_list = [key(item) for item in listing.list(page_size=1, **filters)]
    through_stream = [key(item) for item in listing.stream(page_size=1, **filters)]
    assert through_list == through_stream
    return through_list


def new_service(client, name="Paging"):
    return client.verify.v2.services.create(friendly_name=name)


def test_services_rate_limits_buckets_webhooks_and_messaging_configurations(client):
    mine, other = new_service(client), new_service(client)
    services = [s.sid for s in client.verify.v2.services.list()]
    assert walked(client.verify.v2.services) == services

    def fill(service, count):
        verify = client.verify.v2.services(service.sid)
        limits = [verify.rate_limits.create(unique_name=f"limit_{i}").sid for i in range(count)]
        hooks = [
            verify.webhooks.create(
                friendly_name=f"hook {i}", event_types=["*"], webhook_url=f"http://127.0.0.1:9/hook{i}").sid
            for i in range(count)
        ]
        countries = ["CA", "GB", "FR", "DE"][:count]
        for country in countries:
            verify.messaging_configurations.create(country=country, messaging_service_sid="MG" + "a" * 32)
        buckets = [verify.rate_limits(limits[0]).buckets.create(max=5 + i, interval=60 + i).sid for i in range(count)]
        verify.rate_limits(limits[-1]).buckets.create(max=1, interval=1)
        return limits, hooks, countries, buckets

    limits, hooks, countries, buckets = fill(mine, 3)
    fill(other, 4)
    verify = client.verify.v2.services(mine.sid)
    assert walked(verify.rate_limits) == limits
    assert walked(verify.webhooks) == hooks
    assert walked(verify.messaging_configurations) == countries
    assert walked(verify.rate_limits(limits[0]).buckets) == buckets


def test_entities_factors_and_challenges_filtered_by_status_and_factor(client):
    service = new_service(client)
    verify = client.verify.v2.services(service.sid)
    identities = [str(uuid.uuid4()) for _ in range(3)]
    for identity in identities:
        verify.entities.create(identity=identity)
    new_service_verify = client.verify.v2.services(new_service(client).sid)
    new_service_verify.entities.create(identity=str(uuid.uuid4()))
    assert [e.identity for e in verify.entities.list(page_size=1)] == identities
    assert [e.identity for e in verify.entities.stream(page_size=1)] == identities

    entity = verify.entities(identities[0])
    factors = []
    for name in ("phone", "tablet"):
        factor = entity.new_factors.create(friendly_name=name, factor_type="totp")
        totp = pyotp.TOTP(factor.binding["secret"])
        # verified with the previous step's code, so the current and the next one can approve
        assert entity.factors(factor.sid).update(auth_payload=totp.at(time.time() - 30)).status == "verified"
        factors.append((factor.sid, totp))
    verify.entities(identities[1]).new_factors.create(friendly_name="other", factor_type="totp")
    assert walked(entity.factors) == [sid for sid, _ in factors]

    # approved and pending challenges on both factors, interleaved; each approval spends a code
    pending, approved = [], []
    for round_, offset in enumerate((0, 30)):
        for sid, totp in factors:
            approved.append(entity.challenges.create(factor_sid=sid, auth_payload=totp.at(time.time() + offset)).sid)
            pending.append(entity.challenges.create(factor_sid=sid, details_message=f"Log in #{round_}").sid)
    statuses = {c.sid: c.status for c in entity.challenges.list()}
    assert [statuses[sid] for sid in approved] == ["approved"] * 4
    assert walked(entity.challenges, status="pending") == pending
    assert walked(entity.challenges, status="approved") == approved
    first_factor = factors[0][0]
    assert walked(entity.challenges, status="pending", factor_sid=first_factor) == pending[0::2]
    newest_first = walked(entity.challenges, status="pending", factor_sid=first_factor, order="desc")
    assert newest_first == list(reversed(pending[0::2]))


def test_attempts_filtered_by_number_and_templates_by_name(emulator, client):
    wanted = "+1514555" + str(uuid.uuid4().int % 10**4).zfill(4)
    others = ["+15145559901", "+447700900901"]
    sent = []
    for number in [others[0], wanted, others[1], wanted, wanted, others[0]]:
        verify = client.verify.v2.services(new_service(client).sid)
        verification = verify.verifications.create(to=number, channel="sms")
        if number == wanted:
            sent.append(verification.sid)
    attempts = client.verify.v2.verification_attempts
    seen = [a.verification_sid for a in attempts.list(channel_data_to=wanted, page_size=1)]
    assert seen == list(reversed(sent))
    assert [a.verification_sid for a in attempts.stream(channel_data_to=wanted, channel="sms", page_size=1)] == seen

    templates = client.verify.v2.templates
    everything = [t.sid for t in templates.list()]
    assert walked(templates) == everything
    name = templates.list(limit=1)[0].friendly_name
    named = [t.sid for t in templates.list(friendly_name=name)]
    assert walked(templates, friendly_name=name) == named and len(named) < len(everything)


def test_pages_neither_repeat_nor_skip_rows_created_between_fetches(client):
    wanted = "+1438555" + str(uuid.uuid4().int % 10**4).zfill(4)
    for _ in range(4):
        client.verify.v2.services(new_service(client).sid).verifications.create(to=wanted, channel="sms")
    attempts = client.verify.v2.verification_attempts
    before = [a.sid for a in attempts.list(channel_data_to=wanted)]
    assert len(before) == 4

    # newest first: a send between two page fetches lands before the pages already read
    seen = []
    for attempt in attempts.stream(channel_data_to=wanted, page_size=1):
        seen.append(attempt.sid)
        client.verify.v2.services(new_service(client).sid).verifications.create(to=wanted, channel="sms")
    assert seen == before
    assert len(attempts.list(channel_data_to=wanted)) == 8

    # oldest first: an entity created while paging is read once, at the end
    verify = client.verify.v2.services(new_service(client).sid)
    identities = [str(uuid.uuid4()) for _ in range(3)]
    for identity in identities:
        verify.entities.create(identity=identity)
    read, added = [], []
    for entity in verify.entities.stream(page_size=1):
        read.append(entity.identity)
        if len(added) < 2:
            added.append(str(uuid.uuid4()))
            verify.entities.create(identity=added[-1])
    assert read == identities + added


@pytest.mark.parametrize("token", ["garbage", "PA" + "A" * 16 + "!"])
def test_a_bad_page_token_is_a_400_naming_it(client, token):
    from twilio.base.exceptions import TwilioException

    # the SDK's page() raises its base exception with the response for any status but 200
    with pytest.raises(TwilioException) as refused:
        client.verify.v2.services.page(page_token=token)
    response = refused.value.args[1]
    assert response.status_code == 400
    assert json.loads(response.text) == {
        "code": 21481, "message": "Invalid PageToken", "more_info": "https://www.twilio.com/docs/errors/21481",
        "status": 400}


def control_walk(emulator, path, key, **filters):
    """Every item of a control-API list walked one a page through meta.next_page_url."""
    import requests

    items, url, pages = [], emulator.url + path, 0
    answer = requests.get(url, params={**filters, "limit": 1}, timeout=10).json()
    while True:
        items += answer[key]
        pages += 1
        if not answer["meta"]["next_page_url"]:
            return items, pages
        for name, value in filters.items():
            assert f"{name}=" in answer["meta"]["next_page_url"], answer["meta"]
        answer = requests.get(answer["meta"]["next_page_url"], timeout=10).json()


def test_the_control_apis_lists_page_with_their_filters(emulator, client):
    import requests

    wanted = "+1450555" + str(uuid.uuid4().int % 10**4).zfill(4)
    services = [new_service(client) for _ in range(3)]
    for service in services:
        verify = client.verify.v2.services(service.sid)
        verify.verifications.create(to=wanted, channel="sms")
        verify.verifications.create(to="+15145559902", channel="sms")
    messages, pages = control_walk(emulator, "/emulator/v1/messages", "messages", to=wanted)
    assert [m["to"] for m in messages] == [wanted] * 3 and pages == 3
    assert len({m["sid"] for m in messages}) == 3
    # approve one: the pending filter walks only the other two
    code = emulator.last_code(wanted)
    client.verify.v2.services(services[-1].sid).verification_checks.create(to=wanted, code=code)
    pending, _ = control_walk(emulator, "/emulator/v1/verifications", "verifications", to=wanted, status="pending")
    assert [v["service_sid"] for v in pending] == [services[1].sid, services[0].sid]

    # a message sent between two page fetches is neither repeated nor skipped: it is newer
    first = requests.get(emulator.url + "/emulator/v1/messages", params={"to": wanted, "limit": 1}, timeout=10).json()
    client.verify.v2.services(new_service(client).sid).verifications.create(to=wanted, channel="sms")
    rest = requests.get(first["meta"]["next_page_url"], timeout=10).json()
    seen = [m["sid"] for m in first["messages"]] + [m["sid"] for m in rest["messages"]]
    assert seen == [m["sid"] for m in messages[:2]]

    bad = requests.get(emulator.url + "/emulator/v1/messages", params={"page_token": "nonsense"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["code"] == 21481
    token = first["meta"]["next_page_url"].split("page_token=")[1]
    other = requests.get(emulator.url + "/emulator/v1/messages", params={"to": "+15145559902", "page_token": token},
                         timeout=10)
    assert other.status_code == 400 and other.json()["code"] == 21481
