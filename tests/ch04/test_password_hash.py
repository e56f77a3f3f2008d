"""ch04_jeeves.password_hash: salted, slow, constant-time checked."""

from ch04_jeeves.password_hash import check_password, hash_password


def test_same_password_different_hashes_both_check():
    first, second = hash_password("s3cret pass"), hash_password("s3cret pass")
    assert first != second
    assert first.startswith("scrypt$16384$8$1$")
    assert "s3cret" not in first
    assert check_password(first, "s3cret pass") and check_password(second, "s3cret pass")


def test_wrong_password_fails():
    stored = hash_password("s3cret pass")
    assert not check_password(stored, "s3cret pasS")
    assert not check_password(stored, "")
