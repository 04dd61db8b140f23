import itertools
import json
import random
from math import comb, prod

import pytest

from tropgeom.bounds import Bound, Bounds, bounds
from tropgeom.errors import InputError


def zaslavsky(d, n):
    return sum(comb(n, j) for j in range(d + 1))


def serra_brute(d, hidden):
    """Serra et al. Thm 1 by enumerating every tuple and checking membership in J."""
    total = 0
    for js in itertools.product(*(range(n + 1) for n in hidden)):
        m, ok = d, True
        for n, j in zip(hidden, js):
            if j > min(m, n):
                ok = False
                break
            m = min(m, n - j)
        if ok:
            total += prod(comb(n, j) for n, j in zip(hidden, js))
    return total


def test_serra_beats_zhang_on_2_3_3():
    b = bounds([2, 3, 3, 1])
    assert b["serra2018"].value == 40
    assert b["zhang2018"].value == 49
    assert b["zhang2018"].holds
    assert b.upper == 40


def test_serra_narrow_first_layer():
    b = bounds([2, 1, 5, 1])
    assert b["serra2018"].value == 7
    assert not b["zhang2018"].holds
    assert not b["montufar2014"].holds


@pytest.mark.parametrize("d", range(1, 7))
def test_one_hidden_layer_is_zaslavsky(d):
    for n in range(1, 13):
        b = bounds([d, n, 1])
        expected = zaslavsky(d, n)
        if n <= d:
            assert expected == 2 ** n
        assert b["serra2018"].value == expected
        assert b["zaslavsky"].value == expected
        assert b["zaslavsky"].kind == "exact-if-general-position"
        assert b.upper == expected


def test_zaslavsky_only_for_one_hidden_layer():
    names = [e.name for e in bounds([2, 3, 3, 1]).entries]
    assert names == ["zhang2018", "serra2018", "montufar2014", "trivial_lower"]
    names = [e.name for e in bounds([2, 3, 1]).entries]
    assert names == ["zaslavsky", "zhang2018", "serra2018", "montufar2014", "trivial_lower"]
    with pytest.raises(KeyError):
        bounds([2, 3, 3, 1])["zaslavsky"]


def test_serra_dp_matches_brute_force():
    rng = random.Random(20180710)
    for _ in range(300):
        d = rng.randint(1, 4)
        hidden = [rng.randint(1, 6) for _ in range(rng.randint(1, 4))]
        assert bounds([d, *hidden, 1])["serra2018"].value == serra_brute(d, hidden), (d, hidden)


def test_bounds_are_consistent_on_grid():
    checked_zhang = checked_montufar = 0
    for d in range(1, 4):
        for hidden in itertools.product(range(1, 6), repeat=2):
            b = bounds([d, *hidden, 2])
            serra = b["serra2018"].value
            if b["zhang2018"].holds:
                assert serra <= b["zhang2018"].value
                checked_zhang += 1
            if b["montufar2014"].holds:
                assert b["montufar2014"].value <= serra
                checked_montufar += 1
            assert 1 <= b.lower <= b.upper
    assert checked_zhang > 0 and checked_montufar > 0


def test_hand_computed_values():
    assert bounds([1, 2, 2, 2, 1])["montufar2014"].value == 12
    assert bounds([1, 2, 2, 1])["serra2018"].value == 9


def test_deep_wide_finishes_and_is_monotone():
    b = bounds([8] + [512] * 20 + [1])
    v = b["serra2018"].value
    assert isinstance(v, int) and v > 0
    assert bounds([8] + [511] * 20 + [1])["serra2018"].value < v
    assert v <= b["zhang2018"].value
    # d = 1, all widths >= 2: each layer multiplies the count by (n + 1)
    assert bounds([1] + [512] * 20 + [1])["serra2018"].value == 513 ** 20


def test_zero_hidden_layers():
    b = bounds([3, 1])
    assert b.upper == 1
    assert b.lower == 1
    assert [e.name for e in b.entries] == ["trivial"]


@pytest.mark.parametrize("arch, pattern", [
    ([2], "at least 2"),
    ([2, 0, 1], r"entry 1 \(n_1\) is 0"),
    ([2, 3.5, 1], r"entry 1 \(n_1\) is 3\.5"),
    ([2, -1, 1], r"entry 1 \(n_1\) is -1"),
    ("2,3", "string"),
    ([True, 3, 1], r"entry 0 \(n_0.*bool"),
    ([2, 3, None], r"entry 2 \(n_2\) is None"),
    (5, "sequence"),
])
def test_bad_inputs(arch, pattern):
    with pytest.raises(InputError, match=pattern):
        bounds(arch)


def test_bad_input_carries_position():
    with pytest.raises(InputError) as info:
        bounds([2, 3, 0, 1])
    assert info.value.index == 2 and info.value.layer == 2


def test_numpy_and_integral_floats_accepted():
    np = pytest.importorskip("numpy")
    b = bounds([np.int64(2), np.int32(3), 3.0, 1])
    assert b.architecture == (2, 3, 3, 1)
    assert all(type(x) is int for x in b.architecture)
    assert bounds(np.array([2, 3, 3, 1]))["serra2018"].value == 40


def test_upper_lower_dict_and_str():
    b = bounds([2, 4, 4, 1])
    assert isinstance(b, Bounds) and all(isinstance(e, Bound) for e in b.entries)
    assert b.upper == min(e.value for e in b.entries if e.holds and e.kind != "lower")
    assert b.lower == b["montufar2014"].value == 2 ** 2 * zaslavsky(2, 4)
    d = b.to_dict()
    assert json.loads(json.dumps(d)) == d
    with pytest.warns(FutureWarning, match="to_dict"):
        assert b.as_dict() == d
    assert d["upper"] == b.upper and d["lower"] == b.lower
    assert [e["name"] for e in d["entries"]] == [e.name for e in b.entries]
    s = str(b)
    for e in b.entries:
        assert e.name in s
    assert "yes" in s


def test_object_with_architecture_attribute():
    class Net:
        architecture = (2, 3, 3, 1)

    assert bounds(Net()).architecture == (2, 3, 3, 1)
    assert bounds(Net())["serra2018"].value == 40


def test_frozen():
    b = bounds([2, 3, 1])
    with pytest.raises(AttributeError):
        b.architecture = (1, 1)
    with pytest.raises(AttributeError):
        b.entries[0].value = 0
