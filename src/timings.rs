//! Times the steps of a build for `belong build --timings`, and tells a
//! `Progress` as each starts: each step's wall time in the order it ran, the
//! CPU time the parallel render step spent in templates and in writing
//! files, and the process's peak memory after each step (which says which
//! step holds the most).

use std::time::{Duration, Instant};

/// Told how a build is going, so the command line can show it. `advance` is
/// called from the render threads.
pub trait Progress: Sync {
    /// A step starts; `total` is how many files it makes, when it counts them.
    fn step(&self, name: &'static str, total: Option<usize>);
    /// One more file of the current step is made.
    fn advance(&self);
}

/// Progress that shows nothing (`check`, the preview, library callers).
pub struct Quiet;

impl Progress for Quiet {
    fn step(&self, _: &'static str, _: Option<usize>) {}
    fn advance(&self) {}
}

/// One step of a build.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: &'static str,
    pub wall: Duration,
    /// The process's peak memory when the step ended, in bytes.
    pub peak: Option<u64>,
}

/// How long a build's steps took.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// The steps, in the order they ran.
    pub steps: Vec<Step>,
    /// CPU time summed over the render threads spent in templates (the
    /// render step's wall time is one of `steps`).
    pub templates: Duration,
    /// CPU time summed over the render threads spent writing files.
    pub write: Duration,
}

impl Timings {
    /// Runs `step`, recording its wall time under `name`.
    pub fn time<T>(&mut self, name: &'static str, step: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let value = step();
        self.record(name, started.elapsed());
        value
    }

    /// Runs `step` as the build's step `name`: tells `progress` it starts,
    /// and records its wall time when it ends.
    pub fn step<T>(&mut self, progress: &dyn Progress, name: &'static str, step: impl FnOnce() -> T) -> T {
        progress.step(name, None);
        self.time(name, step)
    }

    /// Records a step timed elsewhere, which has just ended.
    pub fn record(&mut self, name: &'static str, wall: Duration) {
        self.steps.push(Step { name, wall, peak: peak_memory() });
    }

    /// The steps' wall times added up.
    pub fn total(&self) -> Duration {
        self.steps.iter().map(|step| step.wall).sum()
    }
}

/// The most memory this process has held at once, in bytes (Linux's
/// `VmHWM`); `None` where the system does not say.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kilobytes * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_kept_in_order_and_added_up() {
        let mut timings = Timings::default();
        let answer = timings.time("first", || 42);
        timings.time("second", || std::thread::sleep(Duration::from_millis(2)));
        assert_eq!(answer, 42);
        assert_eq!(timings.steps.iter().map(|step| step.name).collect::<Vec<_>>(), ["first", "second"]);
        assert!(timings.total() >= Duration::from_millis(2));
    }

    #[test]
    fn peak_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_memory().is_some_and(|bytes| bytes > 1024 * 1024));
        }
    }
}
