//! The web console's words for the institution's side (定点机构工作台): caregivers, the people
//! served, visits and their exceptions, stays and charges, the bill and its disputes.

crate::catalogue! {
    const CONSOLE_INSTITUTION;
    ui_caregivers() = "护理人员" / "Caregivers";
    ui_new_caregiver() = "登记护理人员" / "Register a caregiver";
    ui_register() = "登记" / "Register";
    ui_phone() = "联系电话" / "Phone";
    ui_work_county() = "服务区县" / "County worked in";
    ui_certificate_level() = "职业技能等级（持证护理员）" / "Vocational level (certified caregivers)";
    ui_level_n(n) = "{n} 级" / "level {n}";
    ui_caregiver_certificate() = "执业证书 / 职业资格证书编号" / "Practising or vocational certificate number";
    ui_caregiver_active() = "在职" / "active";
    ui_caregiver_left() = "已离职" / "left";
    ui_left_on() = "离职日期" / "Left on";
    ui_training_hours() = "培训学时" / "Training hours";
    ui_app_account() = "手机 App 账号" / "Phone app account";
    ui_no_account() = "尚未开通" / "none yet";
    ui_account_disabled() = "已停用" / "disabled";
    ui_create_account() = "开通 App 账号" / "Create the app account";
    ui_disable_account() = "停用 App 账号" / "Disable the app account";
    ui_disable_account_confirm() = "确定停用该护理人员的 App 账号？其手机立即退出" / "Disable this caregiver's app account? The phone is signed out at once";
    ui_edit_caregiver() = "修改登记信息" / "Change the record";
    ui_trainings() = "培训记录" / "Training records";
    ui_course() = "培训课程" / "Course";
    ui_hours() = "学时" / "Hours";
    ui_completed_on() = "结业日期" / "Completed on";
    ui_training_provider() = "培训机构" / "Provider";
    ui_add_training() = "登记培训" / "Record a course";
    ui_assignments() = "服务分派" / "Assignments";
    ui_assign_to() = "分派给服务对象" / "Assign to a beneficiary";
    ui_start_on() = "起始日期" / "From";
    ui_end_on() = "终止日期" / "Last day";
    ui_end_reason() = "终止原因" / "Reason for ending";
    ui_end_assignment() = "终止分派" / "End the assignment";
    ui_no_one_to_assign() = "没有可再分派的服务对象：本机构的服务对象均已分派给该护理人员，或尚无服务对象" / "nobody left to assign: everyone the institution serves is assigned to this caregiver, or it serves nobody yet";
    ui_departure() = "办理离职" / "Departure";
    ui_departure_reason() = "离职原因" / "Reason for leaving";
    ui_departure_confirm() = "确定办理离职？其分派将终止，App 账号将停用" / "Record the departure? Assignments end and the app account is disabled";
    ui_done_caregiver_registered() = "已登记护理人员" / "caregiver registered";
    ui_done_caregiver_updated() = "已保存" / "saved";
    ui_done_training_added() = "已登记培训" / "course recorded";
    ui_done_account_created() = "已开通 App 账号" / "app account created";
    ui_done_account_disabled() = "已停用 App 账号，其手机已退出" / "app account disabled; the phone is signed out";
    ui_done_assigned_caregiver() = "已分派" / "assigned";
    ui_done_assignment_ended() = "已终止分派" / "assignment ended";
    ui_done_departed() = "已办理离职" / "departure recorded";
    ui_attention() = "需处理" / "Needs attention";
    ui_attention_no_account() = "未开通 App 账号" / "no app account";
    ui_attention_account_disabled() = "App 账号已停用" / "app account disabled";
    ui_attention_no_certificate() = "未登记证书编号" / "no certificate number";
}
