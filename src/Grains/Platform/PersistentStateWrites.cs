namespace HiveSync.Grains.Platform;

/// <summary>
/// The grain write rule (docs/architecture.md) for Orleans grain state, whose write sends whatever
/// <see cref="IPersistentState{TState}.State"/> holds: the new state goes in only for the write, and a failed
/// write puts the old one back, so the activation never answers from a state storage does not hold.
/// </summary>
public static class PersistentStateWrites
{
    /// <summary>
    /// Writes <paramref name="next"/> as the state. If the write fails the previous state object is restored (the
    /// provider changes the ETag only on success) and the activation is dropped when idle, since the write may have
    /// landed all the same (a lost reply): the next call reads what storage really holds. The error is rethrown.
    /// </summary>
    public static async Task WriteOrRestoreAsync<TState>(this IPersistentState<TState> state, TState next, IGrainBase grain)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
