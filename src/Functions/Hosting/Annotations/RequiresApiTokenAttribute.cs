namespace Functions.Hosting.Annotations;

/// <summary>
/// Every request to the function's route must carry an API key: the bootstrap key or a caller's key. The HTTP API's
/// authorizer (<see cref="AuthorizesHttpApiAttribute"/>) checks it at the edge, so a refused request never invokes
/// the function; the entry point reads the caller the authorizer handed on and gives it to the handler, so no
/// handler checks a key itself, and the function needs no access to keys.
/// </summary>
public sealed class RequiresApiTokenAttribute : ResourceBindingAttribute
{
    /// <summary>Only admin callers may use the route; others get 403.</summary>
    public bool AdminOnly { get; set; }

    public override IReadOnlyList<EnvironmentSetting> Environment => [];

    public override IReadOnlyList<PolicyStatement> Policies => [];
}
