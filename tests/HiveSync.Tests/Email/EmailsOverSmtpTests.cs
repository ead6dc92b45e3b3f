using System.Net;
using System.Text.Json;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Notifications;
using HiveSync.Tests.Projects;
using MimeKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Email;

/// <summary>
/// Every email the API sends, end to end over a real SMTP conversation: the verification link (used from the received
/// message), the password reset, the invitation of an address, and a notification digest.
/// </summary>
public sealed class EmailsOverSmtpTests(SmtpSilo silo) : IClassFixture<SmtpSilo>
{
    private async Task<MimeMessage> ReceivedAsync(string to, Func<string, bool> subject)
    {
        MimeMessage? found = null;
        Assert.True(await Eventually.HoldsAsync(() =>
        {
            found = silo.Smtp.Messages().FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == to) && subject(m.Subject ?? ""));
            return Task.FromResult(found is not null);
        }), $"no such message to {to} arrived over SMTP");
        return found!;
    }

    private async Task VerifyFromReceivedAsync(string email)
    {
        var message = await ReceivedAsync(email, s => s == "Verify your email address for HiveSync");
        using var verified = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/verify-email")
        {
            Body = JsonSerializer.Serialize(new { token = PickupMail.LinkToken(message, "verify-email") }),
        });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
    }

    [Fact]
    public async Task Verification_reset_invitation_and_digest_emails_each_arrive_over_smtp()
    {
        await silo.Smtp.StartAsync();
        try
        {
            var owner = await silo.RegisterAsync();
            await VerifyFromReceivedAsync(owner.Email);

            using (var reset = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/password-reset") { Body = JsonSerializer.Serialize(new { email = owner.Email }) }))
            {
                Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
            }

            Assert.Contains("/reset-password?token=", (await ReceivedAsync(owner.Email, s => s == "Reset your HiveSync password")).TextBody, StringComparison.Ordinal);

            var projectId = (await silo.CreateProjectAsync(owner.AccessToken, "Orbit")).Id();
            var guestEmail = $"guest-{Guid.NewGuid():N}@example.com";
            using (var invited = await silo.InviteResponseAsync(owner.AccessToken, projectId, guestEmail))
            {
                Assert.Equal(HttpStatusCode.Accepted, invited.StatusCode);
            }

            Assert.Contains("Orbit", (await ReceivedAsync(guestEmail, s => s.Contains("invited you", StringComparison.Ordinal))).TextBody, StringComparison.Ordinal);

            // The guest registers and verifies from the received message: they join, which notifies them, and their digest goes out.
            var guest = await silo.RegisterAsync(guestEmail);
            await VerifyFromReceivedAsync(guestEmail);
            Assert.True(await Eventually.HoldsAsync(async () => await silo.MemberRoleRowAsync(projectId, guest.UserId) is not null), "the guest never joined");
            await silo.SendDueDigestsAsync(guest.UserId);
            var digest = await ReceivedAsync(guestEmail, s => s.StartsWith("HiveSync: You were added to Orbit", StringComparison.Ordinal));
            Assert.Contains("/notifications", digest.TextBody, StringComparison.Ordinal);
        }
        finally
        {
            await silo.Smtp.StopAsync();
        }
    }
}
