"""The views of myservice, one blueprint per module."""
