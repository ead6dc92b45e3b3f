using System.Globalization;
using System.Text;
using HiveSync.Bench.Servers;

namespace HiveSync.Bench.Seeding;

/// <summary>The inputs the Lua scripts read, one value (or one tab-separated event) a line, in the run's folder.</summary>
public sealed class DataFiles(string directory)
{
    public string AccessTokens => Path.Combine(directory, "access-tokens.txt");

    /// <summary>The live refresh tokens; the refresh script rewrites it after each run.</summary>
    public string RefreshTokens => Path.Combine(directory, "refresh-tokens.txt");

    public string Emails => Path.Combine(directory, "emails.txt");

    public string UnknownEmails => Path.Combine(directory, "unknown-emails.txt");

    public string Webhooks => Path.Combine(directory, "webhooks.tsv");

    /// <summary>How many webhook events wrk has sent so far (the webhook script's position).</summary>
    public string WebhookPosition => Path.Combine(directory, "webhooks.position");

    /// <summary>A collaboration scenario's requests (requests.lua's input); answers the file.</summary>
    public string WriteRequests(string scenario, IEnumerable<string> lines)
    {
        var path = Path.Combine(directory, $"collab-{scenario}.tsv");
        File.WriteAllLines(path, lines);
        return path;
    }

    public void WriteUsers(IReadOnlyList<BenchUser> users)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllLines(AccessTokens, users.Select(u => u.AccessToken));
        File.WriteAllLines(RefreshTokens, users.Select(u => u.RefreshToken));
        File.WriteAllLines(Emails, users.Select(u => u.Email));
        File.WriteAllLines(UnknownEmails, users.Select((_, i) => $"nobody-{i:D5}@example.com"));
    }

    /// <summary>
    /// <paramref name="count"/> distinct signed events in rounds over all users: a round of <c>subscription_created</c>
    /// (a new subscription each, the four variants in turn), then a round of <c>subscription_expired</c> for those.
    /// A user so never holds more than one burst subscription at a time, and the tiers seeded before are left as they were.
    /// </summary>
    public void WriteWebhooks(IReadOnlyList<BenchUser> users, SubscriptionEvents events, int count)
    {
        var variants = SiloSettings.Variants.All;
        using var file = new StreamWriter(Webhooks, append: false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            var round = i / users.Count;
            var user = i % users.Count;
            var created = round % 2 == 0;
            var subscriptionId = (20_000_000 + (round / 2 * users.Count) + user).ToString(CultureInfo.InvariantCulture);
            var variant = variants[(round / 2 + user) % variants.Count];
            var signed = created
                ? events.Create("subscription_created", subscriptionId, users[user].Id, variant, "active", 1_000 + i)
                : events.Create("subscription_expired", subscriptionId, users[user].Id, variant, "expired", 1_000 + i);
            file.Write(signed.EventName);
            file.Write('\t');
            file.Write(signed.Signature);
            file.Write('\t');
            file.Write(Encoding.UTF8.GetString(signed.Body));
            file.Write('\n');
        }

        File.WriteAllText(WebhookPosition, "0\n");
    }
}
