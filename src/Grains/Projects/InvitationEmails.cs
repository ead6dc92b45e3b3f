using System.Globalization;
using HiveSync.Grains.Email;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Projects;

/// <summary>The message of an invitation: it names who invited, to what and as what, and how to take it up.</summary>
public sealed class InvitationEmails(IOptionsMonitor<EmailOptions> options)
{
    public const string Kind = "project_invitation";

    public OutgoingEmail Invitation(string to, string inviter, string projectName, string role, DateTime expiresAt)
    {
        var link = $"{options.CurrentValue.LinkBaseUrl.TrimEnd('/')}/register?email={Uri.EscapeDataString(to)}";
        var body = string.Create(CultureInfo.InvariantCulture, $"""
            {inviter} invited {to} to join the project "{projectName}" on HiveSync as {role}.

            To join, create a HiveSync account with this address (or sign in to the one you have) and verify the address
            from the message we send you then:

            {link}

            You join as soon as the address is verified, if that is before {expiresAt:yyyy-MM-dd HH:mm} UTC. If you do not
            know {inviter}, ignore this message.
            """);
        return new OutgoingEmail(Kind, to, $"{inviter} invited you to {projectName} on HiveSync", body);
    }
}
