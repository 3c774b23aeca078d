//! supervision

crate::catalogue! {
    const SUPERVISION;
    thing_sanction() = "处理决定" / "sanction";
    subject_caregiver() = "护理人员" / "caregiver";
    sanction_barred() = "禁止从事长期护理服务" / "barred from long-term care work";
    person_barred(until) = "此人被禁止从事长期护理服务，至 {until} 止" / "this person is barred from long-term care work until {until}";
    caregiver_barred(until) = "该护理人员被禁止从事长期护理服务，至 {until} 止" / "this caregiver is barred from long-term care work until {until}";
    sanction_starts_before_today() = "开始日期不能早于今天" / "the first day cannot be before today";
    sanction_ends_before_start() = "结束日期不能早于开始日期" / "the last day cannot be before the first";
    sanction_too_long() = "禁业期限最长五年" / "a ban lasts at most five years";
    sanction_caregiver_left() = "该护理人员已离职；处理应针对在职人员" / "this caregiver has left; sanction a caregiver still working";
    sanction_already_barred(until) = "该护理人员已被禁业，至 {until} 止" / "this caregiver is already barred until {until}";
    sanction_lift_outside() = "解除日期须不早于今天，且在禁业期内" / "the day lifted from must be today or later, within the ban";
    sanction_already_lifted() = "该处理已解除" / "this sanction is already lifted";
    sanction_not_in_force() = "该处理已期满，无需解除" / "this sanction has run its course; nothing to lift";
    sanction_changed_meanwhile() = "该处理决定已被他人修改，请刷新后重试" / "this sanction was changed meanwhile; reload and try again";
    sanctions_page() = "处理公示" / "Sanctions";
}
