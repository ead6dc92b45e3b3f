using System.Diagnostics;
using System.Net.Sockets;
using Orleans.Runtime;

namespace HiveSync.Silo.Platform;

/// <summary>
/// Declares a crashed silo dead as soon as its port refuses connections, instead of after Orleans' missed probes.
/// A process that dies closes its sockets at once, so every connection to it ends; Orleans reports that on its
/// <c>Orleans.Connections</c> diagnostic listener ("Terminated"), but on its own counts a refused connection as one
/// missed probe among the three it needs. On each such event this checks the other Active silos' ports: a port
/// that refuses twice, 100 ms apart, has no process behind it (a live silo, even a hung one, keeps its listener
/// and the kernel accepts for it), so the silo is declared dead through <see cref="IClusterMembershipService.TryKill"/>.
/// A silo that is leaving gracefully is ShuttingDown by then, not Active, and is left alone; timeouts prove nothing
/// and are left to Orleans' probes.
/// </summary>
public sealed partial class CrashedSiloDetector(
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    ILogger<CrashedSiloDetector> logger) : IHostedService, IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private const string OrleansConnections = "Orleans.Connections";
    private const string Terminated = "Terminated";
    private static readonly TimeSpan ConfirmDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IDisposable> _subscriptions = [];
    private int _checking;
    private bool _checkAgain;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_subscriptions)
        {
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
            _subscriptions.Clear();
        }
    }

    public void Dispose() => _stopping.Dispose();

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == OrleansConnections)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this, name => name == Terminated));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> connectionEvent)
    {
        if (connectionEvent.Key != Terminated || _stopping.IsCancellationRequested)
        {
            return;
        }

        // One check at a time: a dying silo ends several connections at once.
        Volatile.Write(ref _checkAgain, true);
        if (Interlocked.Exchange(ref _checking, 1) == 0)
        {
            using var detached = ExecutionContext.SuppressFlow(); // not part of whatever request ended the connection
            _ = Task.Run(CheckPeersAsync);
        }
    }

    private async Task CheckPeersAsync()
    {
        try
        {
            while (Volatile.Read(ref _checkAgain) && !_stopping.IsCancellationRequested)
            {
                Volatile.Write(ref _checkAgain, false);
                var snapshot = membership.CurrentSnapshot;
                if (snapshot.GetSiloStatus(localSilo.SiloAddress) != SiloStatus.Active)
                {
                    return;
                }

                var peers = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress))
                    .Select(m => m.SiloAddress);
                await Task.WhenAll(peers.Select(DeclareDeadIfRefusingAsync));
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogCheckFailed(logger, error);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private async Task DeclareDeadIfRefusingAsync(SiloAddress peer)
    {
        if (!await RefusesAsync(peer))
        {
            return;
        }

        await Task.Delay(ConfirmDelay, _stopping.Token);
        if (!await RefusesAsync(peer) || membership.CurrentSnapshot.GetSiloStatus(peer) != SiloStatus.Active)
        {
            return;
        }

        LogDeclaringDead(logger, peer);
        await membership.TryKill(peer);
    }

    private async Task<bool> RefusesAsync(SiloAddress peer)
    {
        using var socket = new Socket(peer.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(peer.Endpoint, timeout.Token);
            return false;
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (Exception error) when (error is SocketException || (error is OperationCanceledException && !_stopping.IsCancellationRequested))
        {
            return false; // unreachable or slow: not proof of a crash
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} refuses connections: its process is gone. Declaring it dead.")]
    private static partial void LogDeclaringDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the other silos for a crash failed.")]
    private static partial void LogCheckFailed(ILogger logger, Exception error);
}
