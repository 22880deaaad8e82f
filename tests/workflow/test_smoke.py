from tests.org import apply, filed, set_quota, snapshot, state


def test_file_within_quota(db):
    set_quota(db, 1)
    item_id = filed(db)
    assert state(db, item_id) == "filed"
    before = snapshot(db)
    assert before["items"]
