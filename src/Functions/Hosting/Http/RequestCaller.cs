namespace Functions.Hosting.Http;

/// <summary>The caller of a request, as the API's authorizer allowed it: its name, and whether it is an admin.</summary>
public sealed record RequestCaller(string Name, bool IsAdmin);
