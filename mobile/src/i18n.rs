//! The app's words in Chinese (the default) and English: every label the screens show.

/// The app's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    TodaysVisits,
    NoVisits,
    Planned,
    BadgeNotStarted,
    BadgeInProgress,
    BadgeWaitingToSend,
    BadgeSent,
    BadgeDone,
    BadgeNeedsAttention,
    Pending,
    LastSync,
    Never,
    SyncTitle,
    LastSent,
    Retry,
    Failed,
    NothingFailed,
    AssessmentForm,
    Answered,
    Level,
    Incomplete,
}

/// `text` in `lang`.
pub fn t(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    match (lang, text) {
        (Lang::Zh, TodaysVisits) => "今日服务",
        (Lang::En, TodaysVisits) => "Today's visits",
        (Lang::Zh, NoVisits) => "今天没有安排服务",
        (Lang::En, NoVisits) => "No visits today",
        (Lang::Zh, Planned) => "服务项目",
        (Lang::En, Planned) => "Planned",
        (Lang::Zh, BadgeNotStarted) => "未开始",
        (Lang::En, BadgeNotStarted) => "Not started",
        (Lang::Zh, BadgeInProgress) => "服务中",
        (Lang::En, BadgeInProgress) => "In progress",
        (Lang::Zh, BadgeWaitingToSend) => "待上传",
        (Lang::En, BadgeWaitingToSend) => "Waiting to send",
        (Lang::Zh, BadgeSent) => "已上传",
        (Lang::En, BadgeSent) => "Sent",
        (Lang::Zh, BadgeDone) => "已完成",
        (Lang::En, BadgeDone) => "Done",
        (Lang::Zh, BadgeNeedsAttention) => "需处理",
        (Lang::En, BadgeNeedsAttention) => "Needs attention",
        (Lang::Zh, Pending) => "待上传记录",
        (Lang::En, Pending) => "Waiting to send",
        (Lang::Zh, LastSync) => "上次同步",
        (Lang::En, LastSync) => "Last sync",
        (Lang::Zh, Never) => "从未",
        (Lang::En, Never) => "never",
        (Lang::Zh, SyncTitle) => "数据同步",
        (Lang::En, SyncTitle) => "Sync",
        (Lang::Zh, LastSent) => "上次全部上传",
        (Lang::En, LastSent) => "Last all sent",
        (Lang::Zh, Retry) => "重试",
        (Lang::En, Retry) => "Retry",
        (Lang::Zh, Failed) => "未被接收的记录",
        (Lang::En, Failed) => "Not accepted",
        (Lang::Zh, NothingFailed) => "所有记录均已接收",
        (Lang::En, NothingFailed) => "Everything sent was accepted",
        (Lang::Zh, AssessmentForm) => "失能等级评估",
        (Lang::En, AssessmentForm) => "Disability assessment",
        (Lang::Zh, Answered) => "已答",
        (Lang::En, Answered) => "Answered",
        (Lang::Zh, Level) => "评估等级",
        (Lang::En, Level) => "Level",
        (Lang::Zh, Incomplete) => "答完全部项目后显示",
        (Lang::En, Incomplete) => "shown when every item is answered",
    }
}
