namespace Functions.Hosting.Http;

/// <summary>
/// Decides whether a request may reach its handler, and on whose behalf. The entry point asks it before every request
/// to a route whose function declares <see cref="Annotations.RequiresApiTokenAttribute"/>; the composition root
/// registers the one in use.
/// </summary>
public interface IRequestAuthenticator
{
    ValueTask<AuthenticationResult> AuthenticateAsync(HttpApiRequest request, CancellationToken cancellationToken);
}

/// <summary>The authenticated caller of a request: its name, and whether it is an admin.</summary>
public sealed record RequestCaller(string Name, bool IsAdmin);

/// <summary>How authentication ended: the request may go on as <see cref="Caller"/>, or this 401 is the answer.</summary>
public sealed record AuthenticationResult
{
    private AuthenticationResult(RequestCaller? caller, HttpApiResponse? refusal)
    {
        Caller = caller;
        Refusal = refusal;
    }

    /// <summary>Who the request is from; null when refused.</summary>
    public RequestCaller? Caller { get; }

    /// <summary>The answer when refused; null when authenticated.</summary>
    public HttpApiResponse? Refusal { get; }

    public bool IsAuthenticated => Refusal is null;

    public static AuthenticationResult Authenticated(RequestCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new(caller, null);
    }

    public static AuthenticationResult Refused(HttpApiResponse refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new(null, refusal);
    }
}
