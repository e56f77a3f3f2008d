"""Storing passwords: a slow, salted hash, checked in constant time; never the password.

What it shows: why Jeeves's ``User`` keeps ``password_hash`` and not the
password (a stolen table gives nothing away), why a plain fast hash such as
SHA-256 is wrong (the same password gives the same hash, and an attacker can
try billions a second), and how a salted, deliberately slow hash (scrypt, in
the standard library; Werkzeug's ``generate_password_hash`` uses it too)
fixes both. The book created an admin with a password written in the code, at
import time: Jeeves instead asks for it (``jeeves create-user``), never echoed.

Run it:   python ch04_jeeves/password_hash.py
Expect:   the same password hashed twice gives two different scrypt hashes, both
          check as correct; a wrong password checks as wrong; a timing line
          shows SHA-256 is thousands of times faster to guess than scrypt.
"""

import hashlib
import hmac
import os
import time

from werkzeug.security import check_password_hash, generate_password_hash

# scrypt's cost: n (CPU/memory), r (block size), p (parallelism). About 16 MiB and
# tens of milliseconds per try: nothing for one login, a lot for a billion guesses.
N, R, P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = os.urandom(16)  # a fresh salt per password: equal passwords, different hashes
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt),
                               n=int(n), r=int(r), p=int(p), dklen=32)
    # compare_digest: no early exit, so the time taken leaks nothing
    return hmac.compare_digest(candidate.hex(), digest)


def per_second(func, seconds: float = 0.3) -> float:
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        func()
        count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    password = "correct horse battery staple"
    print("Never store the password itself; store a salted, slow hash of it.\n")

    fast = hashlib.sha256(password.encode()).hexdigest()
    print(f"sha256, twice:   {fast[:32]}... (identical both times: no salt)")

    first, second = hash_password(password), hash_password(password)
    print(f"scrypt, first:   {first[:60]}...")
    print(f"scrypt, second:  {second[:60]}...")
    print(f"different hashes for the same password: {first != second}")
    print(f"check correct password: {check_password(first, password)}")
    print(f"check wrong password:   {check_password(first, 'Correct horse battery staple')}")

    werkzeug_hash = generate_password_hash(password)
    print(f"\nwerkzeug (what Jeeves's User uses): {werkzeug_hash[:40]}...")
    print(f"werkzeug check: {check_password_hash(werkzeug_hash, password)}")

    sha_rate = per_second(lambda: hashlib.sha256(password.encode()).digest())
    scrypt_rate = per_second(lambda: hash_password(password))
    print(f"\nguesses per second on this machine: sha256 {sha_rate:,.0f}, scrypt {scrypt_rate:,.0f}")
    print(f"scrypt makes each guess about {sha_rate / scrypt_rate:,.0f}x more expensive")


if __name__ == "__main__":
    main()
