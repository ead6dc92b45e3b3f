-- 0001_orleans: HiveSync's own schema and query texts for the Orleans 10.4.2 ADO.NET providers
-- (clustering, grain persistence, reminders) on PostgreSQL 15+.
--
-- The providers ship no SQL. They read their statements from the orleansquery table (one text per key),
-- bind parameters by bare name (@DeploymentId, ...) and read result columns by name, case-insensitively.
-- The contract these texts implement is in shared/notes/orleans-adonet-contract.md; the tests in
-- tests/HiveSync.Tests/Platform/OrleansAdoNetContractTests.cs run every text the way the providers do.
--
-- Applied once by SchemaMigrator inside one transaction, so nothing here opens or ends a transaction.
-- Conventions: unquoted (lower-case) identifiers, timestamptz for every time, text for free-form strings.

-- NULLS NOT DISTINCT (storage identity index) needs PostgreSQL 15: fail with a clear message rather than a syntax error.
DO $guard$
BEGIN
    IF current_setting('server_version_num')::integer < 150000 THEN
        RAISE EXCEPTION 'HiveSync needs PostgreSQL 15 or newer; this server is %', current_setting('server_version');
    END IF;
END
$guard$;

-- The table name and both column names are fixed: the providers run "SELECT QueryKey, QueryText FROM OrleansQuery".
CREATE TABLE orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

---------------------------------------------------------------------------------------------------------------------
-- Clustering
---------------------------------------------------------------------------------------------------------------------

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId). Its version is the ETag of the whole membership
-- table: every insert or update of a silo row is a compare-and-set on it.
CREATE TABLE orleansmembershipversiontable
(
    deploymentid text        NOT NULL PRIMARY KEY,
    changedat    timestamptz NOT NULL DEFAULT now(),
    version      integer     NOT NULL DEFAULT 0
);

-- One row per silo incarnation. Times are kept to the millisecond (what Orleans' own schema does), so a value read
-- back and bound again compares equal, which the per-row defunct cleanup relies on.
CREATE TABLE orleansmembershiptable
(
    deploymentid text           NOT NULL REFERENCES orleansmembershipversiontable (deploymentid) ON DELETE CASCADE,
    address      varchar(45)    NOT NULL,
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    siloname     text           NOT NULL,
    hostname     text           NOT NULL,
    status       integer        NOT NULL,
    proxyport    integer        NOT NULL, -- read with GetInt32; 0 = the silo has no gateway
    suspecttimes text           NULL,     -- opaque "silo,date|silo,date" string built by the runtime; kept as is
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Insert a silo row as a compare-and-set on the cluster version. Returns true only if the row was inserted and the
-- version moved from p_version to p_version + 1; otherwise nothing changes and it returns false.
-- No ASSERT and no exception handling: every failure path returns before anything has been written.
CREATE FUNCTION orleans_membership_insert(
    p_deploymentid text,
    p_address      text,
    p_port         integer,
    p_generation   integer,
    p_siloname     text,
    p_hostname     text,
    p_status       integer,
    p_proxyport    integer,
    p_starttime    timestamptz,
    p_iamalivetime timestamptz,
    p_version      integer)
    RETURNS boolean
    LANGUAGE plpgsql
AS $fn$
BEGIN
    -- Lock the version row, but only while it still holds the version the caller read. Under READ COMMITTED a
    -- concurrent writer that bumped it first makes this wait, re-check, and find nothing: a stale version.
    PERFORM 1
       FROM orleansmembershipversiontable
      WHERE deploymentid = p_deploymentid
        AND version = p_version
        FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, suspecttimes, starttime, iamalivetime)
    VALUES
        (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname, p_status, p_proxyport, NULL, p_starttime, p_iamalivetime)
    ON CONFLICT (deploymentid, address, port, generation) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false; -- this silo incarnation is already registered; the version stays as it was
    END IF;

    -- We hold the row lock, so this bump cannot miss.
    UPDATE orleansmembershipversiontable
       SET version = version + 1, changedat = now()
     WHERE deploymentid = p_deploymentid;
    RETURN true;
END
$fn$;

-- Update a silo's status, suspicions and liveness as a compare-and-set on the cluster version (same pattern as the
-- insert). Never touches siloname, hostname, proxyport or starttime.
CREATE FUNCTION orleans_membership_update(
    p_deploymentid text,
    p_address      text,
    p_port         integer,
    p_generation   integer,
    p_status       integer,
    p_suspecttimes text,
    p_iamalivetime timestamptz,
    p_version      integer)
    RETURNS boolean
    LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM 1
       FROM orleansmembershipversiontable
      WHERE deploymentid = p_deploymentid
        AND version = p_version
        FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleansmembershiptable
       SET status = p_status, suspecttimes = p_suspecttimes, iamalivetime = p_iamalivetime
     WHERE deploymentid = p_deploymentid
       AND address = p_address
       AND port = p_port
       AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN false; -- no such silo row; the version stays as it was
    END IF;

    UPDATE orleansmembershipversiontable
       SET version = version + 1, changedat = now()
     WHERE deploymentid = p_deploymentid;
    RETURN true;
END
$fn$;

---------------------------------------------------------------------------------------------------------------------
-- Grain persistence
---------------------------------------------------------------------------------------------------------------------

-- One row per (service, state name, grain id). version is the grain's ETag (an int32, parsed with int.Parse).
-- The hashes are stored for diagnostics only: every query matches on the full identity.
CREATE TABLE orleansstorage
(
    grainidhash            integer     NOT NULL,
    grainidn0              bigint      NOT NULL,
    grainidn1              bigint      NOT NULL,
    graintypehash          integer     NOT NULL,
    graintypestring        text        NOT NULL,
    grainidextensionstring text        NULL,
    serviceid              text        NOT NULL,
    payloadbinary          bytea       NULL,     -- NULL after ClearState: the row and its version survive
    modifiedon             timestamptz NOT NULL DEFAULT now(),
    version                integer     NOT NULL
);

-- One row per identity, including when the extension is NULL (Guid and integer keys without extension). Orleans'
-- own schema has no such constraint, so two racing first writes could both insert and break every later read.
-- It is also the lookup index for all storage queries.
CREATE UNIQUE INDEX ix_orleansstorage_identity
    ON orleansstorage (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring) NULLS NOT DISTINCT;

---------------------------------------------------------------------------------------------------------------------
-- Reminders
---------------------------------------------------------------------------------------------------------------------

CREATE TABLE orleansreminderstable
(
    serviceid    text           NOT NULL,
    grainid      text           NOT NULL, -- GrainId.ToString(): "type/key", can be long
    remindername text           NOT NULL,
    starttime    timestamptz(3) NOT NULL,
    period       bigint         NOT NULL, -- milliseconds; bound as int or bigint, read with GetInt64
    grainhash    integer        NOT NULL, -- uniform hash as signed int; compared signed (see the range reads)
    version      integer        NOT NULL, -- the reminder's ETag
    PRIMARY KEY (serviceid, grainid, remindername)
);

-- Each silo reads the reminders of its slice of the hash ring.
CREATE INDEX ix_orleansreminderstable_grainhash ON orleansreminderstable (serviceid, grainhash);

---------------------------------------------------------------------------------------------------------------------
-- Query texts. Each text may use only the parameters the provider binds for that key (an unbound @name is an error).
-- Multi-statement texts run in one implicit transaction. Result column names matter; their case does not.
---------------------------------------------------------------------------------------------------------------------

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Clustering ------------------------------------------------------------------------------------------------------

-- Every silo runs this at start: true only for the call that created the cluster's version row.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS created;
$q$),

-- Heartbeat: liveness only, no version bump, silently nothing if the row is gone.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable
   SET iamalivetime = @IAmAliveTime
 WHERE deploymentid = @DeploymentId
   AND address = @Address
   AND port = @Port
   AND generation = @Generation;
$q$),

('InsertMembershipKey', $q$
SELECT orleans_membership_insert(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS success;
$q$),

('UpdateMembershipKey', $q$
SELECT orleans_membership_update(
    @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version) AS success;
$q$),

-- Reads start from the version row and outer-join the members, so one snapshot gives both, and a cluster without a
-- matching member still yields one row (member columns NULL, version set).
('MembershipReadRowKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable v
  LEFT JOIN orleansmembershiptable m
         ON m.deploymentid = v.deploymentid
        AND m.address = @Address
        AND m.port = @Port
        AND m.generation = @Generation
 WHERE v.deploymentid = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable v
  LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
 WHERE v.deploymentid = @DeploymentId;
$q$),

-- Clients: gateways are silos in the requested status (always Active) that listen for clients.
('GatewaysQueryKey', $q$
SELECT address, proxyport, generation
  FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND status = @Status
   AND proxyport > 0;
$q$),

-- Members first, then the version row (the foreign key would also cascade).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$q$),

-- Bulk defunct cleanup (@IAmAliveTime is the cutoff). 10.4.2 uses it only when CleanupDefunctSiloEntryKey is absent,
-- which it is not here; kept as a safe fallback: only Dead silos that neither started nor heartbeated since the
-- cutoff. Never Active rows, never the version row. Suspect times are not parsed here.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND status = 6
   AND iamalivetime < @IAmAliveTime
   AND starttime < @IAmAliveTime;
$q$),

-- Per-row defunct cleanup: the runtime has already picked this Dead entry from a full read; delete it only if it is
-- unchanged since (still Dead, same start, heartbeat and suspicions; NULL and '' count as the same suspicions).
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND address = @Address
   AND port = @Port
   AND generation = @Generation
   AND status = 6
   AND starttime = @StartTime
   AND iamalivetime = @IAmAliveTime
   AND coalesce(suspecttimes, '') = coalesce(@SuspectTimes, '');
$q$),

-- Grain persistence -----------------------------------------------------------------------------------------------
-- Identity: service + state name + N0 + N1 + extension, the extension compared NULL-safely. It is spelled as
-- "= x OR (IS NULL AND x IS NULL)" rather than IS NOT DISTINCT FROM because the latter cannot use the index.

('ReadFromStorageKey', $q$
SELECT payloadbinary, version
  FROM orleansstorage
 WHERE serviceid = @ServiceId
   AND graintypestring = @GrainTypeString
   AND grainidn0 = @GrainIdN0
   AND grainidn1 = @GrainIdN1
   AND (grainidextensionstring = @GrainIdExtensionString
        OR (grainidextensionstring IS NULL AND @GrainIdExtensionString IS NULL));
$q$),

-- With a version: update only if it still matches, returning the new version, else the unchanged one (a conflict).
-- Without a version (never written, or deleted): insert version 1 unless the identity exists; the unique index makes
-- the loser of a race get NULL (a conflict) instead of a second row.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleansstorage
       SET payloadbinary = @PayloadBinary,
           version = version + 1,
           modifiedon = now(),
           grainidhash = @GrainIdHash,
           graintypehash = @GrainTypeHash
     WHERE @GrainStateVersion IS NOT NULL
       AND version = @GrainStateVersion
       AND serviceid = @ServiceId
       AND graintypestring = @GrainTypeString
       AND grainidn0 = @GrainIdN0
       AND grainidn1 = @GrainIdN1
       AND (grainidextensionstring = @GrainIdExtensionString
            OR (grainidextensionstring IS NULL AND @GrainIdExtensionString IS NULL))
    RETURNING version
), inserted AS (
    INSERT INTO orleansstorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
         payloadbinary, modifiedon, version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId,
           @PayloadBinary, now(), 1
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT coalesce((SELECT version FROM updated), (SELECT version FROM inserted), @GrainStateVersion) AS newgrainstateversion;
$q$),

-- ClearState (DeleteStateOnClear=false): keep the row, drop the payload, bump the version. No row back = conflict.
('ClearStorageKey', $q$
UPDATE orleansstorage
   SET payloadbinary = NULL,
       version = version + 1,
       modifiedon = now()
 WHERE version = @GrainStateVersion
   AND serviceid = @ServiceId
   AND graintypestring = @GrainTypeString
   AND grainidn0 = @GrainIdN0
   AND grainidn1 = @GrainIdN1
   AND (grainidextensionstring = @GrainIdExtensionString
        OR (grainidextensionstring IS NULL AND @GrainIdExtensionString IS NULL))
RETURNING version AS newgrainstateversion;
$q$),

-- ClearState (DeleteStateOnClear=true): delete the row if the version matches and return a value that differs from
-- the old version (bigint so it cannot overflow). No row back = conflict.
('DeleteStorageKey', $q$
DELETE FROM orleansstorage
 WHERE version = @GrainStateVersion
   AND serviceid = @ServiceId
   AND graintypestring = @GrainTypeString
   AND grainidn0 = @GrainIdN0
   AND grainidn1 = @GrainIdN1
   AND (grainidextensionstring = @GrainIdExtensionString
        OR (grainidextensionstring IS NULL AND @GrainIdExtensionString IS NULL))
RETURNING version::bigint + 1 AS newgrainstateversion;
$q$),

-- Reminders -------------------------------------------------------------------------------------------------------

('ReadReminderRowsKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainid = @GrainId;
$q$),

('ReadReminderRowKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainid = @GrainId
   AND remindername = @ReminderName;
$q$),

-- Ring range (begin, end] when begin < end as signed ints. The uint-to-int cast rotates the ring, so signed order
-- is ring order: never convert hashes to unsigned here.
('ReadRangeRows1Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainhash > @BeginHash
   AND grainhash <= @EndHash;
$q$),

-- Wrapped range (begin >= end): everything after begin plus everything up to end; begin = end is the whole ring.
('ReadRangeRows2Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND (grainhash > @BeginHash OR grainhash <= @EndHash);
$q$),

-- Register or update: last writer wins; new rows start at version 0, every update adds 1. Returns the new ETag.
('UpsertReminderRowKey', $q$
INSERT INTO orleansreminderstable AS r (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
   SET starttime = excluded.starttime,
       period = excluded.period,
       grainhash = excluded.grainhash,
       version = r.version + 1
RETURNING r.version AS version;
$q$),

-- Unregister only the version the caller holds: true if a row was deleted.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleansreminderstable
     WHERE serviceid = @ServiceId
       AND grainid = @GrainId
       AND remindername = @ReminderName
       AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted) AS deleted;
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId;
$q$);
