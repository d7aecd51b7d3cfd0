namespace TrustDesk.Triage.Classifier;

public static class ClassifierServices
{
    /// <summary>The models (loaded once, here at start-up) and the agents' learning loop.</summary>
    public static IServiceCollection AddTriageClassifier(this IServiceCollection services) =>
        services.AddSingleton<ClassifierModels>().AddScoped<LearnFromAgents>();
}
