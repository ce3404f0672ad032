namespace Functions.Hosting.Http;

/// <summary>
/// Decides whether a request may reach its handler. The entry point asks it before every request to a route whose
/// function declares <see cref="Annotations.RequiresApiTokenAttribute"/>; the composition root registers the one in use.
/// </summary>
public interface IRequestAuthenticator
{
    AuthenticationResult Authenticate(HttpApiRequest request);
}

/// <summary>How authentication ended: the request may go on, or this 401/403 is the answer.</summary>
public sealed record AuthenticationResult
{
    private AuthenticationResult(HttpApiResponse? refusal) => Refusal = refusal;

    public static AuthenticationResult Authenticated { get; } = new((HttpApiResponse?)null);

    /// <summary>The answer when refused; null when authenticated.</summary>
    public HttpApiResponse? Refusal { get; }

    public bool IsAuthenticated => Refusal is null;

    public static AuthenticationResult Refused(HttpApiResponse refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new(refusal);
    }
}
