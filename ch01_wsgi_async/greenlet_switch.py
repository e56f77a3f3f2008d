"""Greenlets switch explicitly: the greenlet documentation's example from the book.

What it shows: a greenlet is a function you can pause and resume. Nothing runs
"in the background"; control moves only when the code calls ``switch``, and the
value passed to ``switch`` pops out of the other greenlet's paused ``switch``.
gevent (see ``time_gevent.py``) builds automatic switching on top of this.

Run it:   python ch01_wsgi_async/greenlet_switch.py
Expect:   hello world
          42
"""

from greenlet import greenlet


def test1(x, y):
    # 2. Runs with ("hello", " world"). Switching to gr2 for the first time starts
    #    test2 with x + y as its argument; test1 is paused right here.
    z = gr2.switch(x + y)
    # 4. Resumed by gr1.switch(42): the paused switch() returns 42.
    print(z)
    # 5. test1 returns: gr1 is dead, and control goes to its parent, the main
    #    greenlet, whose gr1.switch(...) call at the bottom returns.


def test2(u):
    # 3. u is "hello world". Print it, then hand control back to gr1 with 42.
    print(u)
    gr1.switch(42)
    # Never reached: nobody switches back to gr2, which stays paused forever
    # (and is garbage-collected at exit).
    print("not printed")


gr1 = greenlet(test1)
gr2 = greenlet(test2)

if __name__ == "__main__":
    # 1. The main greenlet starts gr1, passing the arguments of test1.
    gr1.switch("hello", " world")
