package io.kerasregistry.keras;

import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The names Keras resolves without {@code custom_objects}, across Keras 1, Keras 2/tf.keras and
 * Keras 3. The layer, regularizer, activation and initializer/constraint lists are those of the
 * maintainers' reference inspector ({@code tools/keras_inspect.py}), so that both agree on what is
 * custom; the optimizer, loss and metric lists come from the Keras modules of those names.
 */
final class BuiltIns {

    private BuiltIns() {
    }

    static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional", "Model");

    static final Set<String> LAYERS = words("""
            AbstractRNNCell Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D
            AdaptiveAveragePooling3D AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add
            AdditiveAttention AlphaDropout AtrousConvolution1D AtrousConvolution2D Attention AugMix AutoContrast
            Average AveragePooling1D AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D AvgPool3D
            BatchNormalization BatchNormalizationV1 BatchNormalizationV2 Bidirectional CategoryCrossing
            CategoryEncoding CenterCrop Concatenate Conv1D Conv1DTranspose Conv2D Conv2DTranspose Conv3D
            Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Convolution1D Convolution1DTranspose Convolution2D
            Convolution2DTranspose Convolution3D Convolution3DTranspose Cropping1D Cropping2D Cropping3D CuDNNGRU
            CuDNNLSTM CutMix Deconvolution2D Deconvolution3D Dense DenseFeatures DepthwiseConv1D DepthwiseConv2D
            Discretization Dot Dropout ELU EinsumDense Embedding Equalization Flatten FlaxLayer Functional GRU
            GRUCell GRUV1 GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D
            GlobalAveragePooling3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D GlobalMaxPool2D
            GlobalMaxPool3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GroupNormalization
            GroupQueryAttention GroupedQueryAttention HashedCrossing Hashing Highway Identity Input InputLayer
            IntegerLookup JaxLayer LSTM LSTMCell LSTMV1 Lambda Layer LayerNormalization LeakyReLU Masking TernaryDense
            LocallyConnected1D LocallyConnected2D MaxNumBoundingBoxes MaxPool1D MaxPool2D MaxPool3D
            MaxPooling1D MaxPooling2D MaxPooling3D Maximum MaxoutDense MelSpectrogram Merge Minimum MixUp Model
            ModuleWrapper MultiHeadAttention Multiply Normalization PReLU Permute Pipeline RMSNormalization RNN
            RandAugment RandomBrightness RandomColorDegeneration RandomColorJitter RandomContrast RandomCrop
            RandomElasticTransform RandomErasing RandomFlip RandomGaussianBlur RandomGrayscale RandomHeight
            RandomHue RandomInvert RandomPerspective RandomPosterization RandomRotation RandomSaturation
            RandomSharpness RandomShear RandomTranslation RandomWidth RandomZoom ReLU RepeatVector Rescaling
            Reshape Resizing ReversibleEmbedding STFTSpectrogram SeparableConv1D SeparableConv2D
            SeparableConvolution1D SeparableConvolution2D Sequential SimpleRNN SimpleRNNCell SlicingOpLambda
            Softmax Solarization TensorFlowOpLayer SpatialDropout1D SpatialDropout2D SpatialDropout3D SpectralNormalization
            StackedRNNCells StringLookup Subtract TFOpLambda TFSMLayer TextVectorization ThresholdedReLU
            TimeDistributed TimeDistributedDense TorchModuleWrapper UnitNormalization UpSampling1D UpSampling2D
            UpSampling3D Wrapper ZeroPadding1D ZeroPadding2D ZeroPadding3D
            """);

    static final Set<String> REGULARIZERS = words("""
            L1 L2 L1L2 OrthogonalRegularizer L1L2Regularizer l1 l2 l1_l2 orthogonal_regularizer WeightRegularizer
            ActivityRegularizer
            """);

    /** Initializer and constraint names as plain strings (Keras 1/2 {@code init="glorot_uniform"}). */
    static final Set<String> INITIALIZER_CONSTRAINT_NAMES = words("""
            zeros zero ones one constant uniform normal random_normal random_uniform truncated_normal
            variance_scaling orthogonal identity lecun_uniform lecun_normal glorot_uniform glorot_normal
            he_uniform he_normal max_norm maxnorm non_neg nonneg unit_norm unitnorm min_max_norm
            """);

    static final Set<String> ACTIVATIONS = words("""
            relu sigmoid softmax softplus softsign tanh selu elu exponential linear hard_sigmoid swish gelu
            relu6 silu leaky_relu mish log_softmax hard_silu hard_swish celu glu sparse_plus squareplus
            tanh_shrink hard_tanh soft_shrink hard_shrink threshold sparsemax log_sigmoid sparse_sigmoid
            """);

    static final Set<String> OPTIMIZERS = words("""
            Optimizer SGD Adam AdamW Adamax Adadelta Adagrad Adafactor Ftrl Lion Lamb Muon Nadam RMSprop
            LossScaleOptimizer LossScaleOptimizerV3 LossScaleOptimizerV1 TFOptimizer
            sgd adam adamw adamax adadelta adagrad adafactor ftrl lion lamb muon nadam rmsprop
            """);

    static final Set<String> LOSSES = words("""
            Loss LossFunctionWrapper MeanSquaredError MeanAbsoluteError MeanAbsolutePercentageError
            MeanSquaredLogarithmicError BinaryCrossentropy BinaryFocalCrossentropy CategoricalCrossentropy
            CategoricalFocalCrossentropy SparseCategoricalCrossentropy Hinge SquaredHinge CategoricalHinge Poisson
            LogCosh KLDivergence Huber CosineSimilarity CTC Dice Tversky Circle CategoricalGeneralizedCrossEntropy
            mse mae mape msle MSE MAE MAPE MSLE mean_squared_error mean_absolute_error
            mean_absolute_percentage_error mean_squared_logarithmic_error squared_hinge hinge categorical_hinge
            logcosh log_cosh huber huber_loss categorical_crossentropy sparse_categorical_crossentropy
            binary_crossentropy binary_focal_crossentropy categorical_focal_crossentropy kullback_leibler_divergence
            kld KLD kl_divergence poisson cosine_proximity cosine_similarity ctc dice tversky circle
            categorical_generalized_cross_entropy
            """);

    static final Set<String> METRICS = union(LOSSES, words("""
            Metric Mean Sum MeanMetricWrapper MeanTensor Reduce Accuracy BinaryAccuracy CategoricalAccuracy
            SparseCategoricalAccuracy TopKCategoricalAccuracy SparseTopKCategoricalAccuracy AUC Precision Recall
            PrecisionAtRecall RecallAtPrecision SensitivityAtSpecificity SpecificityAtSensitivity TruePositives
            TrueNegatives FalsePositives FalseNegatives MeanIoU IoU BinaryIoU OneHotIoU OneHotMeanIoU
            RootMeanSquaredError LogCoshError F1Score FBetaScore R2Score Concordance PearsonCorrelation
            accuracy acc binary_accuracy categorical_accuracy sparse_categorical_accuracy top_k_categorical_accuracy
            sparse_top_k_categorical_accuracy crossentropy ce auc precision recall root_mean_squared_error
            rmse logcosh_error f1_score r2_score
            """));

    /**
     * Layer classes that never hold weights, so that weights written under other layer names (a
     * {@code save_weights} file from another Python session) can be paired with the config's layers in
     * order, as Keras's {@code load_weights} does.
     */
    static final Set<String> WEIGHTLESS_LAYERS = words("""
            InputLayer Input Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise
            GaussianDropout AlphaDropout Activation ReLU LeakyReLU ELU Softmax ThresholdedReLU Flatten Reshape
            Permute RepeatVector MaxPooling1D MaxPooling2D MaxPooling3D MaxPool1D MaxPool2D MaxPool3D
            AveragePooling1D AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D AvgPool3D GlobalMaxPooling1D
            GlobalMaxPooling2D GlobalMaxPooling3D GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D
            GlobalMaxPool1D GlobalMaxPool2D GlobalMaxPool3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D
            ZeroPadding1D ZeroPadding2D ZeroPadding3D Cropping1D Cropping2D Cropping3D UpSampling1D UpSampling2D
            UpSampling3D Add Subtract Multiply Average Maximum Minimum Concatenate Dot Masking Lambda
            ActivityRegularization TFOpLambda SlicingOpLambda Rescaling Resizing CenterCrop Identity
            UnitNormalization Merge
            """);

    static boolean isModelClass(String className) {
        return MODEL_CLASSES.contains(className);
    }

    /**
     * Whether a serialized object ({@code class_name}, {@code config}, maybe {@code module} and
     * {@code registered_name}) is a user object whatever its class name says: a plain function
     * serialized by name, a module outside Keras/TensorFlow, a {@code null} module with a registered
     * name (Keras 3's mark of an unregistered class), or a registered name that differs from the class.
     */
    static boolean isCustomObject(JsonNode object) {
        JsonNode module = object.get("module");
        JsonNode registered = object.get("registered_name");
        String className = text(object.get("class_name"));
        if ("function".equals(className) && module != null && "builtins".equals(text(module))) {
            return true;
        }
        if (module != null && !module.isNull()) {
            String m = module.isString() ? module.stringValue() : module.toString();
            if (!(m.startsWith("keras") || m.startsWith("tf_keras") || m.startsWith("tensorflow"))) {
                return true;
            }
        }
        if (module != null && module.isNull() && registered != null) {
            return true;
        }
        if (registered != null && !registered.isNull()) {
            String r = registered.isString() ? registered.stringValue() : registered.toString();
            if (!r.isEmpty() && (r.contains(">") || (!r.equals(className) && !"function".equals(className)))) {
                return true;
            }
        }
        return false;
    }

    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isString() ? node.stringValue() : node.toString();
    }

    private static Set<String> words(String text) {
        return Set.copyOf(java.util.Arrays.asList(text.trim().split("\\s+")));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
