//! Authentication (passwords, tokens, sessions) and authorisation (the actor, its permissions
//! and its data scope). Every access decision in the server is made through this module.

pub mod actor;
pub mod password;
pub mod permission;
pub mod routes;
pub mod scope;
pub mod service;
pub mod session;
pub mod token;

pub use actor::Actor;
pub use permission::Permission;
