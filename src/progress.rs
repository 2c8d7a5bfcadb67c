//! Shows how a long `belong build` is going. Nothing for its first second (a
//! small hub is done by then); after that, on a terminal, one line that
//! updates in place (the step, and files made of the total); in CI or through
//! a pipe, one plain line per step that runs from then on, no animation.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before its progress is shown.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// The step under way, and whether progress is being shown yet.
#[derive(Default)]
struct State {
    step: Option<(&'static str, Option<usize>)>,
    shown: bool,
    finished: bool,
}

/// Progress on stderr, for `belong build`.
pub struct Display {
    /// On a terminal: the updating line (hidden until it is shown).
    bar: Option<ProgressBar>,
    state: Arc<Mutex<State>>,
}

impl Display {
    /// Progress drawn on a terminal, or printed as lines when stderr is a
    /// pipe or `CI` is set.
    pub fn new() -> Display {
        let terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = terminal.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()));
        let display = Display { bar, state: Arc::default() };
        let (bar, state) = (display.bar.clone(), display.state.clone());
        std::thread::spawn(move || {
            std::thread::sleep(SHOW_AFTER);
            let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
            if state.finished {
                return;
            }
            state.shown = true;
            match &bar {
                Some(bar) => {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
                None => print_step(state.step),
            }
        });
        display
    }

    /// Clears the updating line, before the build's summary is printed.
    pub fn finish(&self) {
        self.lock().finished = true;
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A step as one plain line: `belong: templates and write (13013 files)`.
fn print_step(step: Option<(&'static str, Option<usize>)>) {
    match step {
        Some((name, Some(total))) => eprintln!("belong: {name} ({total} files)"),
        Some((name, None)) => eprintln!("belong: {name}"),
        None => {}
    }
}

/// The line's look: the step, then a bar with files made of the total when
/// the step counts them.
fn style(counted: bool) -> ProgressStyle {
    let template = if counted { "{spinner} {msg} [{bar:30}] {pos}/{len} files" } else { "{spinner} {msg}" };
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()).progress_chars("=> ")
}

impl belong::Progress for Display {
    fn step(&self, name: &'static str, total: Option<usize>) {
        let mut state = self.lock();
        state.step = Some((name, total));
        match &self.bar {
            Some(bar) => {
                bar.set_style(style(total.is_some()));
                bar.set_message(name);
                bar.set_position(0);
                match total {
                    Some(total) => bar.set_length(total as u64),
                    None => bar.unset_length(),
                }
            }
            None if state.shown => print_step(state.step),
            None => {}
        }
    }

    fn advance(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}
