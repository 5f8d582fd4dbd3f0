"""Server-side chart geometry: where a share lands in the viewBox, and where a line breaks."""

from __future__ import annotations

from datetime import date, timedelta

from conversations.charts import ChartPoint, line_chart, sparkline

# Five Mondays: with the default 600 × 200 viewBox and 16 of padding the x step is
# (600 - 2 × 16) / 4 = 142, and a share v sits at y = 16 + (1 - v) × 168.
WEEKS = [date(2025, 3, 3) + timedelta(weeks=n) for n in range(5)]


def test_a_share_of_one_sits_on_the_top_padding_and_zero_on_the_bottom_one():
    chart = line_chart(WEEKS[:2], [1.0, 0.0])

    assert [(point.x, point.y) for point in chart.points] == [(16.0, 16.0), (584.0, 184.0)]
    assert chart.path == "M16.0 16.0 L584.0 184.0"


def test_points_are_spread_evenly_across_the_width_and_keep_their_value_and_label():
    chart = line_chart(WEEKS, [1.0, 0.5, 0.75, 0.25, 0.0])

    assert chart.points == [
        ChartPoint(16.0, 16.0, 1.0, "03 Mar: 100 %"),
        ChartPoint(158.0, 100.0, 0.5, "10 Mar: 50 %"),
        ChartPoint(300.0, 58.0, 0.75, "17 Mar: 75 %"),
        ChartPoint(442.0, 142.0, 0.25, "24 Mar: 25 %"),
        ChartPoint(584.0, 184.0, 0.0, "31 Mar: 0 %"),
    ]
    assert chart.path == "M16.0 16.0 L158.0 100.0 L300.0 58.0 L442.0 142.0 L584.0 184.0"


def test_a_week_without_figures_breaks_the_line_with_a_new_move():
    chart = line_chart(WEEKS, [1.0, 0.5, None, 0.25, 0.0])

    assert chart.path == "M16.0 16.0 L158.0 100.0 M442.0 142.0 L584.0 184.0"
    assert chart.path.count("M") == 2
    assert [point.x for point in chart.points] == [16.0, 158.0, 442.0, 584.0]


def test_a_lonely_point_between_gaps_is_a_move_without_a_line():
    chart = line_chart(WEEKS, [None, 0.5, None, None, 0.25])

    assert chart.path == "M158.0 100.0 M584.0 142.0"
    assert "L" not in chart.path


def test_a_chart_without_any_figures_is_empty_and_has_no_path():
    chart = line_chart(WEEKS, [None] * 5)

    assert chart.is_empty
    assert chart.path == ""
    assert not line_chart(WEEKS, [0.0, None, None, None, None]).is_empty


def test_a_single_week_sits_at_the_left_padding():
    chart = line_chart(WEEKS[:1], [0.5])

    assert chart.points == [ChartPoint(16.0, 100.0, 0.5, "03 Mar: 50 %")]
    assert chart.path == "M16.0 100.0"


def test_the_target_band_spans_from_its_high_share_down_to_its_low_share():
    chart = line_chart(WEEKS, [0.5] * 5, band=(0.5, 0.64))

    # 64 % sits at 16 + 0.36 × 168 = 76.48; 50 % at 100; the band fills the 23.52 between.
    assert chart.band_y == 76.48
    assert chart.band_height == 23.52
    assert chart.band_y + chart.band_height == 100.0


def test_a_full_band_covers_the_whole_plot_area_and_no_band_means_none():
    full = line_chart(WEEKS, [0.5] * 5, band=(0.0, 1.0))
    plain = line_chart(WEEKS, [0.5] * 5)

    assert (full.band_y, full.band_height) == (16.0, 168.0)
    assert (plain.band_y, plain.band_height) == (None, None)


def test_gridlines_mark_none_half_and_all_of_the_talk():
    chart = line_chart(WEEKS, [0.5] * 5)

    assert [(line.y, line.label) for line in chart.gridlines] == [
        (184.0, "0 %"),
        (100.0, "50 %"),
        (16.0, "100 %"),
    ]


def test_every_week_is_labelled_along_the_bottom_when_there_are_few():
    chart = line_chart(WEEKS, [0.5] * 5)

    # In the strip under the plot; the ends anchored inwards so neither is cut off.
    assert [(label.x, label.y, label.label, label.anchor) for label in chart.labels] == [
        (16.0, 228, "03 Mar", "start"),
        (158.0, 228, "10 Mar", "middle"),
        (300.0, 228, "17 Mar", "middle"),
        (442.0, 228, "24 Mar", "middle"),
        (584.0, 228, "31 Mar", "end"),
    ]
    assert chart.view_box == "0 -16 600 252"


def test_twelve_weeks_label_every_third_week_back_from_the_latest():
    weeks = [date(2025, 1, 6) + timedelta(weeks=n) for n in range(12)]

    chart = line_chart(weeks, [None] * 12)

    # Labels stay apart (at 22-unit letters one is about 80 units wide), and the
    # latest week, the one people look for, always has its label.
    assert [(label.label, label.anchor) for label in chart.labels] == [
        ("20 Jan", "middle"),
        ("10 Feb", "middle"),
        ("03 Mar", "middle"),
        ("24 Mar", "end"),
    ]


def test_two_years_of_weeks_keep_a_handful_of_labels_none_off_the_edge():
    weeks = [date(2025, 1, 6) + timedelta(weeks=n) for n in range(105)]

    labels = line_chart(weeks, [None] * 105).labels

    assert 4 <= len(labels) <= 6
    assert labels[-1].label == f"{weeks[-1]:%d %b}"
    gaps = [b.x - a.x for a, b in zip(labels, labels[1:], strict=False)]
    assert min(gaps) >= 130
    assert labels[0].anchor == "start" or labels[0].x >= 45


def test_a_custom_size_scales_the_coordinates():
    chart = line_chart(WEEKS[:3], [1.0, 0.5, 0.0], width=300, height=100, pad=10)

    # Step (300 - 20) / 2 = 140; y = 10 + (1 - v) × 80.
    assert chart.path == "M10.0 10.0 L150.0 50.0 L290.0 90.0"
    assert (chart.width, chart.height) == (300, 100)


def test_a_sparkline_spans_its_width_with_two_units_of_padding_top_and_bottom():
    # 120 wide, 4 values: a step of 40; 28 high: y = 2 + (1 - v) × 24.
    assert sparkline([1.0, 0.5, 0.25, 0.0]) == "M0.0 2.0 L40.0 14.0 L80.0 20.0 L120.0 26.0"


def test_a_sparkline_breaks_at_weeks_without_figures():
    path = sparkline([0.5, None, 1.0, 0.0])

    assert path == "M0.0 14.0 M80.0 2.0 L120.0 26.0"
    assert path.count("M") == 2


def test_a_sparkline_of_nothing_is_an_empty_path_and_one_value_is_a_single_move():
    assert sparkline([]) == ""
    assert sparkline([None, None]) == ""
    assert sparkline([0.5]) == "M0.0 14.0"
