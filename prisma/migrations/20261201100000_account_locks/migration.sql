-- Accounts are held by locks that die with their holder (advisory locks on
-- PostgreSQL, OS file locks beside the embedded database): the leases table
-- and its expiry are no longer used.
DROP TABLE "leases";
