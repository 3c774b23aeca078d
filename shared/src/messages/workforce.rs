//! workforce

crate::catalogue! {
    const WORKFORCE;
    unknown_caregiver() = "您的范围内没有这个护理人员" / "no such caregiver in your scope";
    caregiver_left() = "该护理人员已离职" / "the caregiver has left the institution";
    caregiver_institution_status(status) = "该护理人员所在机构为“{status}”状态" / "the caregiver's institution is {status}";
    caregiver_institution_does_not_serve() = "该护理人员所在机构在起始日期未为此人服务" / "the caregiver's institution does not serve this person on the start date";
    family_caregiver_only_family_care() = "亲情护理员只能在亲情护理（家属护理）方式下服务" / "a family caregiver (亲情护理员) serves only under family care";
    already_assigned() = "该护理人员已分派给此人" / "the caregiver is already assigned to this person";
    assignment_already_ended() = "该分派已终止" / "this assignment has already ended";
    assignment_ends_before_start() = "分派的终止日期不能早于起始日期" / "an assignment cannot end before it starts";
    assignments_start_later() = "有护理人员分派在此日期之后才开始，请先终止它们" / "caregiver assignments start after this date; end them first";
    certificate_level_required() = "持证护理员须填写 1 到 5 级的职业技能等级" / "a certified caregiver has a level from 1 to 5";
    certificate_level_range() = "职业技能等级从 1 级（高级技师）到 5 级" / "vocational levels run from 1 (高级技师) to 5";
    certificate_level_not_allowed() = "只有持证护理员才有职业技能等级" / "only certified caregivers have a vocational level";
    certificate_number_required() = "请填写执业证书或职业技能证书编号" / "give the practising or vocational certificate number";
    employing_institution_required() = "请填写聘用机构" / "name the employing institution";
    institution_registers_no_caregivers(status) = "机构为“{status}”状态，不能登记护理人员" / "the institution is {status}: it registers no caregivers";
    caregiver_id_number_taken() = "此人已在本统筹区登记为在职护理人员" / "this person is already registered as an active caregiver in this region";
    caregiver_too_young(age) = "护理人员须年满 {age} 周岁" / "a caregiver is at least {age} years old";
    unknown_county() = "您的统筹区内没有这个区县" / "no such county in your region";
    caregiver_changed_meanwhile() = "该护理人员信息已被他人修改，请刷新后重试" / "the caregiver was changed by someone else; reload it";
    left_before_registration() = "离职日期不能早于登记日期" / "the caregiver left before being registered";
    caregiver_has_account() = "该护理人员已有账号" / "this caregiver already has an account";
    hours_precision() = "学时最多一位小数" / "give hours with at most one decimal place";
    hours_range(max) = "学时须大于 0、不超过 {max}" / "more than 0 and at most {max} hours";
    course_not_completed() = "培训结束后才能记录" / "a course is recorded once completed";
    course_already_recorded() = "该培训当日已有记录" / "this course is already recorded for that day";
    period_ends_before_start() = "截止日期早于起始日期" / "the period ends before it starts";
    qualification_nurse() = "护士" / "nurse";
    qualification_certified() = "持证护理员" / "certified caregiver";
    qualification_family() = "亲情护理员" / "family caregiver";
}
