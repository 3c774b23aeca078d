//! The care workforce (护理队伍): caregivers with qualifications and training, their app
//! accounts, and which caregiver cares for whom.

pub mod assignments;
pub mod caregivers;
pub mod routes;
pub mod training;
