namespace Functions.Callbacks;

/// <summary>What a callback's body check found: the field and what is wrong with it.</summary>
public sealed record BodyProblem(string Field, string Message);
