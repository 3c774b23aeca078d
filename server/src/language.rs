//! The language of what is being answered (Chinese unless asked otherwise): kept for the task
//! answering a request or running a command, so every message rendered there — errors, findings,
//! bill-line explanations, CSV headers — speaks it.

use ltci_shared::text::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request this task answers; Chinese outside a request and outside
/// [`scope`].
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Runs `f` with `lang` as the current language (a request's `Accept-Language`, the command
/// line's `LTCI_LANG`).
pub async fn scope<F: Future>(lang: Lang, f: F) -> F::Output {
    LANG.scope(lang, f).await
}
