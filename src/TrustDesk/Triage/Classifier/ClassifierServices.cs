namespace TrustDesk.Triage.Classifier;

public static class ClassifierServices
{
    /// <summary>The models (loaded once, here at start-up), the agents' learning loop, and what Leads read and score.</summary>
    public static IServiceCollection AddTriageClassifier(this IServiceCollection services) =>
        services.AddSingleton<ClassifierModels>().AddScoped<LearnFromAgents>().AddScoped<DescribeTriageModel>().AddScoped<EvaluateLabelledTexts>();
}
