namespace HiveSync.Grains.Interfaces.Platform;

public enum IdempotencyOutcome
{
    /// <summary>First use of the key (or its earlier use expired or was abandoned): run the request.</summary>
    Proceed,

    /// <summary>The same request ran already: answer <see cref="IdempotencyClaim.Stored"/>.</summary>
    Replay,

    /// <summary>The first request with this key is still running.</summary>
    InFlight,

    /// <summary>The key was used for a different request.</summary>
    Mismatch,
}

[GenerateSerializer, Immutable]
public sealed record StoredAnswer(int Status, string? Location, string Body);

[GenerateSerializer, Immutable]
public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, StoredAnswer? Stored = null);

/// <summary>
/// The keys of <c>Idempotency-Key</c> (a stateless worker, key 0): claimed in PostgreSQL before a request runs, so two
/// silos never run the same key twice, and answered from there when the request is retried.
/// </summary>
public interface IIdempotencyGrain : IGrainWithIntegerKey
{
    Task<IdempotencyClaim> Claim(long userId, string key, byte[] requestHash);

    /// <summary>Keeps the answer of the request that claimed the key.</summary>
    Task Complete(long userId, string key, StoredAnswer answer);

    /// <summary>The request failed: the key is free again, so a retry runs it anew.</summary>
    Task Release(long userId, string key);
}
