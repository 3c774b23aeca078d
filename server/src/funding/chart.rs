//! The fund's time series as an SVG chart (rendered with plotters): balance, income and
//! expenditure per month. Amounts become floating point here only, for drawing.

use ltci_shared::api::funding::MonthPoint;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;

fn y(d: rust_decimal::Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// An 900×420 SVG of the points, oldest month first.
pub fn render(title: &str, points: &[MonthPoint]) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
        let values = points.iter().flat_map(|p| [y(p.balance), y(p.income), y(p.expenditure)]);
        let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let hi = if hi <= lo { lo + 1.0 } else { hi + (hi - lo) * 0.1 };
        let n = i32::try_from(points.len()).unwrap_or(i32::MAX).max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(0..n, lo..hi)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let label =
            |i: &i32| usize::try_from(*i).ok().and_then(|i| points.get(i)).map(|p| p.month.clone()).unwrap_or_default();
        chart
            .configure_mesh()
            .x_labels(12)
            .x_label_formatter(&label)
            .y_desc("元")
            .draw()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let line = |f: fn(&MonthPoint) -> f64| {
            points.iter().enumerate().map(move |(i, p)| (i32::try_from(i).unwrap_or(0), f(p))).collect::<Vec<_>>()
        };
        for (name, color, f) in [
            ("结余 balance", BLUE, (|p: &MonthPoint| y(p.balance)) as fn(&MonthPoint) -> f64),
            ("收入 income", GREEN, |p: &MonthPoint| y(p.income)),
            ("支出 expenditure", RED, |p: &MonthPoint| y(p.expenditure)),
        ] {
            chart
                .draw_series(LineSeries::new(line(f), color.stroke_width(2)))
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .label(name)
                .legend(move |(x, yy)| PathElement::new(vec![(x, yy), (x + 20, yy)], color.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(svg)
}
