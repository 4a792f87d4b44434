//! Regions: the tenants of the system (the provincial level and its cities). Their types are
//! in `org`; this is their SQL.

pub mod store;
