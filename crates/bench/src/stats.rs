//! Median and 90th percentile of a run's samples.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub p90: f64,
}

impl Summary {
    /// `None` for no samples. The median of an even count is the mean of the middle two; the
    /// 90th percentile is the nearest rank (the smallest sample with at least 90% at or below it).
    pub fn of(samples: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        let rank = (n * 9).div_ceil(10).max(1);
        Some(Summary {
            median,
            p90: sorted[rank - 1],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90() {
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(
            Summary::of(&[5.0]),
            Some(Summary {
                median: 5.0,
                p90: 5.0
            })
        );
        assert_eq!(
            Summary::of(&[4.0, 1.0, 3.0, 2.0]),
            Some(Summary {
                median: 2.5,
                p90: 4.0
            })
        );
        let ten: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(
            Summary::of(&ten),
            Some(Summary {
                median: 5.5,
                p90: 9.0
            })
        );
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(Summary::of(&twenty).map(|s| s.p90), Some(18.0));
        assert_eq!(Summary::of(&[f64::NAN, 2.0]).map(|s| s.median), Some(2.0));
    }
}
