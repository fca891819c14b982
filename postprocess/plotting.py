"""matplotlib is optional: the GPU machine's Python has numpy and h5py but no
matplotlib, and the validation suite and the analysis tools must still run
there, writing their numbers and skipping only the pictures."""

SKIPPED = "plots skipped: matplotlib not available"

_state = {}


def pyplot():
    """matplotlib.pyplot on the non-interactive Agg backend, or None when
    matplotlib cannot be imported (why() then says what the import raised)."""
    if "plt" not in _state:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError as e:
            plt = None
            _state["why"] = "%s: %s" % (type(e).__name__, e)
        _state["plt"] = plt
    return _state["plt"]


def why():
    """The import error behind pyplot() returning None ("" when it did not)."""
    pyplot()
    return _state.get("why", "")
