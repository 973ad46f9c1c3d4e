//! Median and 90th percentile of a run's samples, and how sure a ratio of medians is.

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

/// A 95% bootstrap interval of `median(a) / median(b)`: both sample sets resampled with
/// replacement `rounds` times (a fixed-seed generator, so a report is reproducible), the 2.5th
/// and 97.5th percentiles of the ratios. `None` when either set is empty.
pub fn ratio_interval(a: &[f64], b: &[f64], rounds: usize) -> Option<(f64, f64)> {
    let median = |v: &[f64]| Summary::of(v).map(|s| s.median);
    median(a)?;
    median(b)?;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut pick = |n: usize| {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    };
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let ra: Vec<f64> = (0..a.len()).map(|_| a[pick(a.len())]).collect();
        let rb: Vec<f64> = (0..b.len()).map(|_| b[pick(b.len())]).collect();
        if let (Some(x), Some(y)) = (median(&ra), median(&rb))
            && y > 0.0
        {
            ratios.push(x / y);
        }
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    (!ratios.is_empty()).then(|| (at(0.025), at(0.975)))
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

    #[test]
    fn the_interval_holds_the_ratio_and_narrows_with_agreeing_samples() {
        assert_eq!(ratio_interval(&[], &[1.0], 100), None);
        let same = ratio_interval(&[2.0; 9], &[1.0; 9], 200).expect("an interval");
        assert_eq!(same, (2.0, 2.0), "no spread, no doubt");
        let a: Vec<f64> = (0..40).map(|i| 110.0 + f64::from(i % 7)).collect();
        let b: Vec<f64> = (0..40).map(|i| 100.0 + f64::from(i % 5)).collect();
        let (lo, hi) = ratio_interval(&a, &b, 1000).expect("an interval");
        let point = 113.0 / 102.0;
        assert!(lo <= point && point <= hi, "{lo} {point} {hi}");
        assert!(hi - lo < 0.1, "{lo}..{hi}");
        let wide: Vec<f64> = (0..40).map(|i| 80.0 + f64::from(i * 3 % 60)).collect();
        let (wlo, whi) = ratio_interval(&wide, &b, 1000).expect("an interval");
        assert!(whi - wlo > hi - lo, "noisier samples, a wider interval");
    }
}
