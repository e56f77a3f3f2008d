"""What the interpreter really runs: ``dis`` of the book's generator function.

What it shows: a three-line generator becomes a list of bytecode instructions
that CPython's eval loop executes one at a time (with the GIL held). The book
printed Python 3.5's listing (SETUP_LOOP, BINARY_ADD, 29 bytes); the opcodes
change between versions (3.11 added RESUME and BINARY_OP, 3.12 END_FOR,
3.13 more), which is why the listing below is printed by your Python.

Run it:   python ch01_wsgi_async/dis_generator.py
Expect:   the bytecode of myfunc, then its instruction count, and the generator
          working: list(myfunc([1, 2, 3])) == [2, 3, 4]
"""

import dis
import sys


def myfunc(data):
    for value in data:
        yield value + 1


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]}: dis.dis(myfunc)\n")
    dis.dis(myfunc)
    instructions = list(dis.get_instructions(myfunc))
    print(f"\n{len(instructions)} instructions; opcodes used: "
          + ", ".join(sorted({i.opname for i in instructions})))
    print(f"list(myfunc([1, 2, 3])) == {list(myfunc([1, 2, 3]))}")
