using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;

namespace HiveSync.Silo.Platform;

/// <summary>
/// Mutual TLS between silos (<c>Orleans:Tls</c>), for deployments whose silo network is not private. Off unless
/// <c>Orleans:Tls:CertificatePath</c> is set. Every silo presents its certificate and accepts a peer only if the
/// peer's certificate chains to <c>Orleans:Tls:CaPath</c>, or, without a CA, is the very certificate this silo
/// has (one cluster certificate shared by all silos). Host names are not checked: silos reach each other by the
/// address in the membership table, so the certificate is what identifies a cluster member.
/// </summary>
public sealed record SiloTls(X509Certificate2 Certificate, X509Certificate2Collection? TrustedCas)
{
    public const string Section = "Orleans:Tls";

    /// <summary>The configured TLS, or null when <c>Orleans:Tls:CertificatePath</c> is not set.</summary>
    public static SiloTls? FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var certificatePath = section["CertificatePath"];
        if (string.IsNullOrWhiteSpace(certificatePath))
        {
            return null;
        }

        var certificate = LoadCertificate(certificatePath, section["KeyPath"], section["CertificatePassword"]);
        if (!certificate.HasPrivateKey)
        {
            throw Invalid($"{Section}:CertificatePath: '{certificatePath}' has no private key (give a PKCS#12 file with its key, or {Section}:KeyPath).");
        }

        X509Certificate2Collection? cas = null;
        if (section["CaPath"] is { Length: > 0 } caPath)
        {
            cas = new X509Certificate2Collection();
            try
            {
                cas.ImportFromPemFile(caPath);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw Invalid($"{Section}:CaPath: cannot read '{caPath}' as PEM certificates ({error.Message}).");
            }

            if (cas.Count == 0)
            {
                throw Invalid($"{Section}:CaPath: '{caPath}' holds no PEM certificate.");
            }
        }

        return new SiloTls(certificate, cas);
    }

    /// <summary>Orleans' TLS settings: certificates required both ways, peers checked by <see cref="IsClusterMember"/>.</summary>
    public void Apply(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate; // as server: the connecting silo must show one
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate; // as client: always show ours
        options.RemoteCertificateValidation = (peer, _, _) => IsClusterMember(peer);
    }

    /// <summary>Whether a peer's certificate makes it a member of this cluster.</summary>
    public bool IsClusterMember(X509Certificate2 peer)
    {
        if (TrustedCas is null)
        {
            var now = DateTime.Now;
            return peer.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span) && peer.NotBefore <= now && now <= peer.NotAfter;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(TrustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // silo CAs are private: no CRL to ask
        return chain.Build(peer);
    }

    private static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password)
    {
        try
        {
            if (File.ReadAllBytes(path).AsSpan().IndexOf("-----BEGIN"u8) < 0)
            {
                return X509CertificateLoader.LoadPkcs12FromFile(path, password);
            }

            return string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw Invalid($"{Section}:CertificatePath: cannot load '{path}' ({error.Message}).");
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new(Section, typeof(SiloTls), [message]);
}
