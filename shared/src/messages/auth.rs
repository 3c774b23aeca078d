//! Sign-in, tokens, links and user accounts.

crate::catalogue! {
    const AUTH;
    sign_in_first() = "请先登录：发送 Authorization: Bearer <访问令牌>" / "sign in: send Authorization: Bearer <access token>";
    login_ended() = "此次登录已结束（已退出、账号已停用或令牌被重复使用），请重新登录" / "this login has ended (signed out, account deactivated or token reused); sign in again";
    account_inactive() = "此账号已停用" / "this account is no longer active";
    wrong_credentials() = "用户名或密码错误" / "wrong username or password";
    unknown_refresh_token() = "无效的刷新令牌" / "unknown refresh token";
    refresh_token_expired() = "刷新令牌已过期，请重新登录" / "the refresh token has expired; sign in again";
    refresh_token_reused() = "此刷新令牌已被使用过；为安全起见此次登录已结束，请重新登录" / "this refresh token was already used; for safety the login was ended: sign in again";
    access_token_expired() = "访问令牌已过期，请刷新" / "the access token has expired; refresh it";
    access_token_invalid() = "访问令牌无效" / "the access token is not valid";
    link_expired() = "此链接已过期，请重新获取" / "this link has expired; ask for a new one";
    link_invalid() = "此链接无效" / "this link is not valid";
    link_for_another_resource() = "此链接不是为该资源生成的" / "this link was made for another resource";
    password_too_short(min) = "密码至少 {min} 个字符" / "a password needs at least {min} characters";
    password_too_long(max) = "密码最多 {max} 个字符" / "a password has at most {max} characters";
    username_length(min, max) = "用户名为 {min} 到 {max} 个字符" / "a username has {min} to {max} characters";
    username_characters() = "用户名只能使用 a-z、0-9、“.”、“_”和“-”" / "a username uses only a-z, 0-9, '.', '_' and '-'";
    username_taken() = "该用户名已被使用" / "this username is taken";
    cannot_deactivate_self() = "不能停用自己的账号" / "you cannot deactivate your own account";
    staff_belong_to_institution() = "机构人员和护理人员须隶属于一个机构" / "institution staff and caregivers belong to an institution";
    only_staff_belong_to_institution() = "只有机构人员和护理人员隶属于机构" / "only institution staff and caregivers belong to an institution";
    use_caregiver_registry() = "护理人员的账号须从其护理人员档案创建：POST /api/v1/caregivers/<id>/account" / "caregiver accounts are created from the caregiver's record: POST /api/v1/caregivers/<id>/account";
    console_session_idle() = "长时间未操作，已自动退出，请重新登录" / "signed out after a period of inactivity; sign in again";
    console_csrf_invalid() = "表单已失效（页面过期或来自其他网站），请刷新页面后重试" / "this form has expired (an old page or another site sent it); reload the page and try again";
    unknown_institution() = "您的统筹区内没有这个机构" / "no such institution in your region";
}
