using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Notifications;

/// <summary>
/// A client of <c>GET /api/v1/notifications/stream</c>: opens it over real HTTP, parses the events with the BCL's
/// <see cref="SseParser"/> as they arrive, and lets a test wait for the next one or for the stream's end.
/// </summary>
public sealed class NotificationStreamClient : IAsyncDisposable
{
    public const string Path = "/api/v1/notifications/stream";

    private readonly HttpResponseMessage _response;
    private readonly Channel<SseItem<string>> _events = Channel.CreateUnbounded<SseItem<string>>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private NotificationStreamClient(HttpResponseMessage response)
    {
        _response = response;
        _reading = ReadAsync();
    }

    /// <summary>Set once the server ended the stream (or the connection broke).</summary>
    public bool Ended => _reading.IsCompleted;

    /// <summary>Opens a stream (asserting 200 and text/event-stream); <paramref name="request"/> carries the credential and any Last-Event-ID.</summary>
    public static async Task<NotificationStreamClient> OpenAsync(HttpClient client, TestRequest request)
    {
        var response = await client.SendAsync(request.ToMessage(), HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"the stream answered {(int)response.StatusCode}: {body}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new NotificationStreamClient(response);
    }

    public static Task<NotificationStreamClient> OpenAsync(HttpClient client, string accessToken, string? lastEventId = null) =>
        OpenAsync(client, Request(accessToken, lastEventId));

    public static TestRequest Request(string? accessToken, string? lastEventId = null) => new(HttpMethod.Get, Path)
    {
        Bearer = accessToken,
        Headers = lastEventId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Last-Event-ID"] = lastEventId },
    };

    /// <summary>The next event of <paramref name="eventType"/>, skipping others (heartbeats); fails after <paramref name="timeout"/> or at the stream's end.</summary>
    public async Task<SseItem<string>> NextAsync(string eventType = "notification", TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var item = await _events.Reader.ReadAsync(deadline.Token);
                if (item.EventType == eventType)
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no '{eventType}' event within {timeout ?? TimeSpan.FromSeconds(20)}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the stream ended before a '{eventType}' event");
        }
    }

    /// <summary>The next notification's data, asserting the event id is its id.</summary>
    public async Task<JsonNode> NextNotificationAsync(TimeSpan? timeout = null)
    {
        var item = await NextAsync("notification", timeout);
        var data = JsonNode.Parse(item.Data)!;
        Assert.Equal(data["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), item.EventId);
        return data;
    }

    /// <summary>The events that arrived so far and were not read, without waiting.</summary>
    public List<SseItem<string>> Pending()
    {
        List<SseItem<string>> items = [];
        while (_events.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Whether the server ends the stream within <paramref name="timeout"/>.</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout) => await Task.WhenAny(_reading, Task.Delay(timeout)) == _reading;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            {
                await _events.Writer.WriteAsync(item);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpIOException)
        {
            // The server dropped the connection: an end like any other.
        }
        catch (IOException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}
