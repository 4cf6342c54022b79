//! SVG line charts drawn from measured data, for the book.
//!
//! The book needs a handful of simple charts (speedup against workers,
//! memory per task against tasks). A plotting crate would cost every reader
//! compile time for that, so this module writes the SVG text by hand, with
//! std only. The output is deterministic (same data, same bytes) so charts
//! can be committed and diffed like any other file.
//!
//! A chart is drawn dark on a transparent background, so that it sits on
//! the page's own colour: the book's dark themes invert it
//! (book/theme/charts.css), which turns an opaque white panel into a black
//! one, but dark ink on nothing into light ink on the theme's background.

use crate::report::group_thousands;
use std::fmt::Write as _;

/// One line on a chart. A named line rather than bare points, because the
/// legend is what lets a reader tell the runtimes apart.
#[derive(Clone, Debug)]
pub struct Series {
    /// Shown in the legend.
    pub name: String,
    /// `(x, y)` pairs in drawing order; points that cannot be drawn
    /// (non-finite, or non-positive on a log axis) are skipped, not fatal,
    /// because one failed measurement should not lose the whole chart.
    pub points: Vec<(f64, f64)>,
    /// A second cue besides colour, for print and colour-blind readers
    /// (e.g. dashed for a baseline or a theoretical limit).
    pub dashed: bool,
}

/// A whole chart: what the book embeds as one figure.
#[derive(Clone, Debug)]
pub struct LineChart {
    /// Heading drawn at the top, so the figure still makes sense when copied.
    pub title: String,
    /// Label under the horizontal axis; include the unit.
    pub x_label: String,
    /// Label beside the vertical axis; include the unit.
    pub y_label: String,
    /// Log scale for x: task counts spanning 1 000 to 100 000 would
    /// otherwise crowd every point but the last into the left edge.
    pub log_x: bool,
    /// Log scale for y, for the same reason as `log_x`.
    pub log_y: bool,
    /// The lines, each coloured by its position in this list.
    pub series: Vec<Series>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 420.0;
// The plot area; the space to the right of it holds the legend.
const LEFT: f64 = 88.0;
const RIGHT: f64 = 540.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 360.0;
/// Okabe–Ito colours, told apart by most colour-blind readers. Its yellow
/// is left out: it is nearly invisible on white.
const PALETTE: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];
/// Half-transparent grey: faint on a light page, and still faint, not
/// gone, once a dark theme inverts it.
const GRID: &str = " stroke=\"#808080\" stroke-opacity=\"0.3\"";
const FRAME: &str = " stroke=\"#333\"";
const DASH: &str = " stroke-dasharray=\"6 4\"";
const MIDDLE: &str = " text-anchor=\"middle\"";
const END: &str = " text-anchor=\"end\"";
const TITLE: &str = " text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\"";

impl LineChart {
    /// Draws the chart as a self-contained SVG 1.1 document.
    pub fn to_svg(&self) -> String {
        let drawable = |v: f64, log: bool| v.is_finite() && (!log || v > 0.0);
        let plotted: Vec<Vec<(f64, f64)>> = (self.series.iter())
            .map(|s| {
                let keep = |&&(x, y): &&(f64, f64)| {
                    drawable(x, self.log_x) && drawable(y, self.log_y)
                };
                s.points.iter().filter(keep).copied().collect()
            })
            .collect();
        let all: Vec<(f64, f64)> = plotted.iter().flatten().copied().collect();

        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \
             width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
             font-family=\"sans-serif\" font-size=\"12\">"
        );
        text(&mut out, (WIDTH / 2.0, 28.0), &self.title, TITLE);
        let middle = ((LEFT + RIGHT) / 2.0, (TOP + BOTTOM) / 2.0);
        if all.is_empty() {
            text(&mut out, middle, "no data", MIDDLE);
            out.push_str("</svg>\n");
            return out;
        }
        let plot = Plot {
            x: Axis::new(all.iter().map(|p| p.0), self.log_x),
            y: Axis::new(all.iter().map(|p| p.1), self.log_y),
        };
        // Grid and tick labels first, so the data is drawn over them.
        plot.draw_grid(&mut out, &self.x_label, &self.y_label);
        for (i, (series, points)) in self.series.iter().zip(&plotted).enumerate() {
            plot.draw_series(&mut out, i, series, points);
        }
        out.push_str("</svg>\n");
        out
    }
}

/// The two axes of a chart with data: where a value lands, in pixels.
struct Plot {
    x: Axis,
    y: Axis,
}

impl Plot {
    fn to_px(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let px = LEFT + self.x.frac(x) * (RIGHT - LEFT);
        (px, BOTTOM - self.y.frac(y) * (BOTTOM - TOP))
    }

    /// The grid, the tick labels, the frame and the axis labels.
    fn draw_grid(&self, out: &mut String, x_label: &str, y_label: &str) {
        let middle = ((LEFT + RIGHT) / 2.0, (TOP + BOTTOM) / 2.0);
        for (t, label) in &self.x.ticks {
            let x = self.to_px((*t, self.y.lo)).0;
            line(out, (x, TOP), (x, BOTTOM), GRID);
            text(out, (x, BOTTOM + 18.0), label, MIDDLE);
        }
        for (t, label) in &self.y.ticks {
            let y = self.to_px((self.x.lo, *t)).1;
            line(out, (LEFT, y), (RIGHT, y), GRID);
            text(out, (LEFT - 8.0, y + 4.0), label, END);
        }
        line(out, (LEFT, BOTTOM), (RIGHT, BOTTOM), FRAME);
        line(out, (LEFT, TOP), (LEFT, BOTTOM), FRAME);
        let axis_label = format!("{MIDDLE} font-size=\"13\"");
        text(out, (middle.0, HEIGHT - 16.0), x_label, &axis_label);
        let turned =
            format!("{axis_label} transform=\"rotate(-90 22 {})\"", middle.1);
        text(out, (22.0, middle.1), y_label, &turned);
    }

    /// Series `i`: its line and points, and its entry in the legend.
    fn draw_series(
        &self,
        out: &mut String,
        i: usize,
        series: &Series,
        points: &[(f64, f64)],
    ) {
        let colour = PALETTE[i % PALETTE.len()];
        let dash = if series.dashed { DASH } else { "" };
        let stroke = format!(" stroke=\"{colour}\" stroke-width=\"2\"{dash}");
        if !points.is_empty() {
            let pts: Vec<String> = (points.iter())
                .map(|&p| self.to_px(p))
                .map(|(x, y)| format!("{},{}", num(x), num(y)))
                .collect();
            let pts = pts.join(" ");
            let _ =
                writeln!(out, "<polyline fill=\"none\"{stroke} points=\"{pts}\"/>");
            for &p in points {
                circle(out, self.to_px(p), colour);
            }
        }
        // Legend entry: a short sample of the line, then the name.
        let (x, y) = (RIGHT + 16.0, TOP + 8.0 + 20.0 * i as f64);
        line(out, (x, y), (x + 24.0, y), &stroke);
        circle(out, (x + 12.0, y), colour);
        text(out, (x + 30.0, y + 4.0), &series.name, "");
    }
}

/// An axis with its range and ticks already chosen, so drawing only maps
/// values to a fraction of the plot.
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    /// Each tick's value and its label.
    ticks: Vec<(f64, String)>,
}

impl Axis {
    /// `values` must not be empty; the caller shows "no data" instead.
    fn new(values: impl Iterator<Item = f64>, log: bool) -> Axis {
        let (min, max) =
            values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if log {
            Axis::log(min, max)
        } else {
            Axis::linear(min, max)
        }
    }

    /// From zero (bars and speedups mislead on a cut axis), with a
    /// 1, 2 or 5 × 10^k step: round numbers a reader can interpolate.
    fn linear(min: f64, max: f64) -> Axis {
        let (mut lo, mut hi) = (min.min(0.0), max.max(0.0));
        if hi == lo {
            hi = 1.0; // every value is zero
        }
        // Keep the extreme points off the frame.
        let pad = (hi - lo) * 0.05;
        (lo, hi) = (if lo < 0.0 { lo - pad } else { lo }, hi + pad);
        let mut exp = (hi - lo).log10().floor() as i32 - 2;
        loop {
            for m in [1.0, 2.0, 5.0] {
                let step = m * 10f64.powi(exp);
                let (first, last) = ((lo / step).floor(), (hi / step).ceil());
                if last - first <= 7.0 {
                    // At most 8 ticks; the step before gave more than 8,
                    // and this one is at most 2.5 times as wide: at least 4.
                    let ticks = (first as i64..=last as i64)
                        .map(|i| i as f64 * step)
                        .map(|t| (t, tick_label(t, step)))
                        .collect();
                    let (lo, hi) = (first * step, last * step);
                    return Axis {
                        lo,
                        hi,
                        log: false,
                        ticks,
                    };
                }
            }
            exp += 1;
        }
    }

    /// Whole powers of ten, every `k`-th one if there would be more than 8.
    fn log(min: f64, max: f64) -> Axis {
        // The nudges stop a rounding error (2.9999… for 1000) adding a decade.
        let first = (min.log10() + 1e-9).floor() as i32;
        let last = ((max.log10() - 1e-9).ceil() as i32).max(first + 1);
        let every = (last - first + 6) / 7;
        let last = first + (last - first + every - 1) / every * every;
        let ticks: Vec<(f64, String)> = (first..=last)
            .step_by(every as usize)
            .map(|e| 10f64.powi(e))
            .map(|t| (t, tick_label(t, t)))
            .collect();
        let (lo, hi) = (10f64.powi(first), 10f64.powi(last));
        Axis {
            lo,
            hi,
            log: true,
            ticks,
        }
    }

    /// Where `v` falls, from 0 at `lo` to 1 at `hi`.
    fn frac(&self, v: f64) -> f64 {
        let scale = |v: f64| if self.log { v.log10() } else { v };
        (scale(v) - scale(self.lo)) / (scale(self.hi) - scale(self.lo))
    }
}

/// Whole numbers grouped by thousands ("100 000"), as the book's tables
/// write them; fractions with as many decimals as the `step` needs.
fn tick_label(v: f64, step: f64) -> String {
    if v.abs() >= 1e15 {
        format!("{v:e}")
    } else if step >= 1.0 {
        let sign = if v < -0.5 { "-" } else { "" };
        format!("{sign}{}", group_thousands(v.abs().round() as u64))
    } else {
        let decimals = (-step.log10() - 1e-9).ceil() as usize;
        format!("{v:.decimals$}")
    }
}

/// A coordinate with at most one decimal: a small file, the same every run.
fn num(v: f64) -> String {
    // Display drops a trailing ".0"; adding 0.0 turns -0 into 0.
    format!("{}", (v * 10.0).round() / 10.0 + 0.0)
}

/// `attrs` are raw attributes, each with a leading space.
fn line(out: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), attrs: &str) {
    let (x1, y1, x2, y2) = (num(x1), num(y1), num(x2), num(y2));
    let _ = writeln!(
        out,
        "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"{attrs}/>"
    );
}

fn circle(out: &mut String, (x, y): (f64, f64), colour: &str) {
    let (x, y) = (num(x), num(y));
    let _ = writeln!(
        out,
        "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"{colour}\"/>"
    );
}

/// `words` are escaped; `attrs` are raw attributes, each with a leading space.
fn text(out: &mut String, (x, y): (f64, f64), words: &str, attrs: &str) {
    let (x, y, words) = (num(x), num(y), escape(words));
    let _ = writeln!(out, "<text x=\"{x}\" y=\"{y}\"{attrs}>{words}</text>");
}

/// Titles and names are free text; a stray `<` or `&` must not break the file.
/// `&` goes first, so the other replacements are not escaped twice.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, points: &[(f64, f64)], dashed: bool) -> Series {
        let points = points.to_vec();
        Series {
            name: name.into(),
            points,
            dashed,
        }
    }

    fn chart(series: Vec<Series>) -> LineChart {
        LineChart {
            title: "Speedup".into(),
            x_label: "workers".into(),
            y_label: "speedup (×)".into(),
            log_x: false,
            log_y: false,
            series,
        }
    }

    fn sample() -> LineChart {
        let measured = [(1.0, 1.0), (2.0, 1.93), (4.0, 3.61), (8.0, 5.9)];
        chart(vec![
            series("rayon", &measured, false),
            series("ideal", &[(1.0, 1.0), (8.0, 8.0)], true),
        ])
    }

    #[test]
    fn is_one_svg_document_naming_every_series() {
        let svg = sample().to_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains(">rayon</text>") && svg.contains(">ideal</text>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn paints_no_background_so_a_dark_theme_can_invert_it() {
        let svg = sample().to_svg();
        assert!(!svg.contains("<rect"), "{svg}");
        assert!(!svg.contains("white"), "{svg}");
    }

    #[test]
    fn only_dashed_series_are_dashed() {
        let mut c = sample();
        assert_eq!(c.to_svg().matches("stroke-dasharray").count(), 2);
        c.series[1].dashed = false;
        assert!(!c.to_svg().contains("stroke-dasharray"));
    }

    #[test]
    fn text_is_escaped() {
        let mut c = sample();
        c.title = "a <b> & 'c'".into();
        c.series[0].name = "\"x\"".into();
        let svg = c.to_svg();
        assert!(svg.contains(">a &lt;b&gt; &amp; &apos;c&apos;</text>"));
        assert!(svg.contains(">&quot;x&quot;</text>"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn log_axis_ticks_are_powers_of_ten() {
        let mut c = chart(vec![series(
            "threads",
            &[(1000.0, 9.0), (10_000.0, 8.5), (100_000.0, 8.4), (0.0, 1.0)],
            false,
        )]);
        c.log_x = true;
        let svg = c.to_svg();
        for label in [">1 000<", ">10 000<", ">100 000<"] {
            assert!(svg.contains(label), "{label} missing");
        }
        assert!(!svg.contains(">1 000 000<"), "no decade beyond the data");
        // The point at x = 0 cannot be drawn on a log axis.
        assert_eq!(svg.matches("<circle").count(), 3 + 1);
    }

    #[test]
    fn non_finite_points_are_skipped() {
        let points = [(1.0, 1.0), (2.0, f64::NAN), (3.0, 2.0), (4.0, 3.0)];
        let svg = chart(vec![series("s", &points, false)]).to_svg();
        let start = svg.find("points=\"").unwrap() + "points=\"".len();
        let attr = &svg[start..start + svg[start..].find('"').unwrap()];
        assert_eq!(attr.split(' ').count(), 3);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn one_polyline_per_series_with_points() {
        let c = chart(vec![
            series("a", &[(1.0, 2.0), (2.0, 3.0)], false),
            series("empty", &[], false),
            series("single", &[(5.0, 5.0)], true),
            series("nan", &[(f64::NAN, 1.0)], false),
        ]);
        assert_eq!(c.to_svg().matches("<polyline").count(), 2);
    }

    #[test]
    fn output_is_deterministic_and_short() {
        let svg = sample().to_svg();
        assert_eq!(svg, sample().to_svg());
        // No number carries more than two decimals.
        let long = svg
            .as_bytes()
            .windows(4)
            .any(|w| w[0] == b'.' && w[1..].iter().all(u8::is_ascii_digit));
        assert!(!long);
    }

    #[test]
    fn no_data_is_still_a_document() {
        let svg = chart(vec![]).to_svg();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains(">no data</text>"));
        let all_equal = chart(vec![series("z", &[(3.0, 0.0), (3.0, 0.0)], false)]);
        let svg = all_equal.to_svg();
        assert!(svg.contains("<polyline") && !svg.contains("NaN"));
        let mut one_decade = chart(vec![series("p", &[(1000.0, 5.0)], false)]);
        (one_decade.log_x, one_decade.log_y) = (true, true);
        let svg = one_decade.to_svg();
        assert!(svg.contains(">1 000<") && svg.contains(">10 000<"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn linear_ticks_are_nice_and_few() {
        for (min, max) in [
            (0.0, 3.9),
            (1.0, 8.0),
            (-7.0, 2.0),
            (0.0, 0.013),
            (5.0, 5.0),
        ] {
            let Axis { lo, hi, ticks, .. } = Axis::linear(min, max);
            let n = ticks.len();
            assert!((4..=8).contains(&n), "{min}..{max}: {n} ticks");
            assert!(lo <= min && hi > max);
            let step = ticks[1].0 - ticks[0].0;
            let m = step / 10f64.powi(step.log10().floor() as i32);
            assert!([1.0, 2.0, 5.0].iter().any(|k| (m - k).abs() < 1e-6));
        }
        assert_eq!(tick_label(0.1, 0.1), "0.1");
        assert_eq!(tick_label(0.3000000000000001, 0.1), "0.3");
        assert_eq!(tick_label(-20_000.0, 5000.0), "-20 000");
    }
}
