"""Datasets for networks: the generated sets, the texts' tables, the split and the scaling, and
the `dataset` spec with errors that name their field."""

from __future__ import annotations

import numpy as np
import pytest

from app.objectives import ObjectiveError
from app.objectives import generated as G
from app.objectives.dataset_spec import prepare, resolve_dataset
from app.objectives.tables import split_rows, standard_scaling

CLASS_SETS = ["xor", "circles", "moons", "spiral", "clusters"]


@pytest.mark.parametrize("name", [*CLASS_SETS, "u-curve", "house-prices"])
def test_each_generated_set_is_deterministic_in_its_seed_and_sized_by_n(name: str) -> None:
    make = G.GENERATORS[name].make
    a, b, c = make(50, 0.1, 3), make(50, 0.1, 3), make(50, 0.1, 4)
    assert a.n == 50 and a.features.shape[0] == a.target.shape[0] == 50
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.target, b.target)
    assert not np.array_equal(a.features, c.features)
    assert not a.features.flags.writeable and not a.target.flags.writeable


@pytest.mark.parametrize("name", CLASS_SETS)
def test_class_sets_are_two_dimensional_and_balanced(name: str) -> None:
    table = G.GENERATORS[name].make(201, 0.05, 0)
    assert table.features.shape == (201, 2) and table.is_classification
    counts = np.bincount(table.target)
    assert len(counts) == len(table.classes) and counts.max() - counts.min() <= 1
    assert np.abs(table.features).max() < 2.0


def test_xor_labels_follow_the_signs_and_keep_off_the_axes_without_noise() -> None:
    table = G.xor(400, 0.0, 0)
    x, y = table.features.T
    np.testing.assert_array_equal(table.target, (x * y < 0).astype(int))
    assert np.abs(table.features).min() >= G.XOR_MARGIN


def test_noise_jitters_the_points_by_its_standard_deviation() -> None:
    clean, noisy = G.circles(2000, 0.0, 5), G.circles(2000, 0.1, 5)
    np.testing.assert_allclose(np.linalg.norm(clean.features, axis=1)[:1000], 1.0)
    jitter = noisy.features - clean.features
    assert 0.09 < jitter.std() < 0.11


def test_spiral_classes_are_the_same_curve_half_a_turn_apart() -> None:
    table = G.spiral(100, 0.0, 0)
    first, second = table.features[:50], table.features[50:]
    np.testing.assert_allclose(second, -first, atol=1e-12)


def test_clusters_take_a_class_count_and_u_curve_is_the_texts_parabola() -> None:
    assert G.clusters(60, 0.1, 0, classes=5).classes == ("0", "1", "2", "3", "4")
    curve = G.u_curve(80, 0.0, 0)
    np.testing.assert_allclose(curve.target, curve.features[:, 0] ** 2)
    assert curve.classes is None


def test_house_prices_start_with_the_texts_house_and_black_box_is_table_2_1() -> None:
    houses = G.house_prices(30, 0.0, 0)
    assert (houses.features[0, 0], houses.target[0]) == (1000.0, 300_000.0)
    np.testing.assert_allclose(houses.target, 300.0 * houses.features[:, 0])
    box = G.black_box()
    np.testing.assert_array_equal(box.features[:, 0], [1.0, 1.1, 1.2, 2.0])
    np.testing.assert_array_equal(box.target, [2.21, 2.431, 2.652, 4.42])


def test_split_is_seeded_disjoint_and_keeps_a_train_row() -> None:
    table = G.moons(40, 0.1, 0)
    split = split_rows(table, 0.25, 9)
    assert (split.train.n, split.test.n) == (30, 10)
    rows = {tuple(r) for r in split.train.features} | {tuple(r) for r in split.test.features}
    assert len(rows) == 40
    again = split_rows(table, 0.25, 9)
    np.testing.assert_array_equal(again.test.features, split.test.features)
    assert split_rows(table, 0.25, 10).test.features.tolist() != split.test.features.tolist()
    tiny = G.black_box()
    assert split_rows(tiny, 0.5, 0).train.n == 2 and split_rows(tiny, 0.0, 0).test.n == 0


def test_standard_scaling_comes_from_the_train_rows_and_undoes_itself() -> None:
    houses = G.house_prices(50, 0.1, 1)
    scaling = standard_scaling(houses)
    z = scaling.features(houses.features)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1.0)
    t = scaling.target(houses.target)
    np.testing.assert_allclose(scaling.untarget(t), houses.target)
    classes = standard_scaling(G.xor(20, 0.1, 0))
    assert (classes.target_shift, classes.target_scale) == (0.0, 1.0)


def test_prepare_splits_and_scales_with_the_datasets_own_options() -> None:
    data = prepare({"name": "u-curve", "n": 40, "noise": 0.0, "test_fraction": 0.5})
    assert data.split.train.n == data.split.test.n == 20
    np.testing.assert_allclose(data.targets(data.split.train).mean(), 0.0, atol=1e-12)
    raw = prepare({"name": "u-curve", "n": 40, "standardize": False})
    np.testing.assert_array_equal(raw.inputs(raw.split.train), raw.split.train.features)
    table, settings = resolve_dataset({"name": "black-box"})
    assert table.n == 4 and settings["test_fraction"] == 0.0
    assert settings == {"name": "black-box", "test_fraction": 0.0, "standardize": True, "seed": 0}


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        ("xor", "objective.dataset", "must be an object"),
        ({}, "objective.dataset.name", "unknown dataset None"),
        ({"name": "mnist"}, "objective.dataset.name", "known: xor, circles"),
        ({"name": "xor", "n": 5}, "objective.dataset.n", "≥ 10"),
        ({"name": "xor", "n": 5001}, "objective.dataset.n", "≤ 5000"),
        ({"name": "xor", "noise": -0.1}, "objective.dataset.noise", "≥ 0"),
        ({"name": "xor", "noise": "lots"}, "objective.dataset.noise", "must be a number"),
        ({"name": "xor", "test_fraction": 0.9}, "objective.dataset.test_fraction", "≤ 0.5"),
        ({"name": "xor", "standardize": 1}, "objective.dataset.standardize", "true or false"),
        ({"name": "xor", "classes": 3}, "objective.dataset.classes", "unknown option"),
        ({"name": "clusters", "classes": 7}, "objective.dataset.classes", "≤ 6"),
        ({"name": "black-box", "n": 10}, "objective.dataset.n", "unknown option"),
        ({"name": "spiral", "seed": -1}, "objective.dataset.seed", "≥ 0"),
        ({"csv": ""}, "objective.dataset.csv", "CSV text"),
        ({"csv": 3}, "objective.dataset.csv", "CSV text"),
        ({"csv": "a,b\n1,2", "name": "xor"}, "objective.dataset.name", "not both"),
        ({"csv": "a,b\n1,2", "target": 1}, "objective.dataset.target", "column name"),
        ({"csv": "a,b\n1,2", "features": "a"}, "objective.dataset.features", "list"),
        ({"csv": "a,b\n1,2", "classes": "maybe"}, "objective.dataset.classes", "one of"),
    ],
)
def test_bad_dataset_specs_name_their_field(spec: object, field: str, words: str) -> None:
    with pytest.raises(ObjectiveError) as info:
        prepare(spec)
    assert info.value.field == field
    assert words in info.value.reason, info.value.reason
