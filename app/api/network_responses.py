"""Response shapes of the network routes, for the OpenAPI schema (numbers that can be
non-finite are nullable: strict JSON writes them as null)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.api.responses import ObjectiveOut, OptionOut, SurfaceOut

Number = float | None


class SliceOut(SurfaceOut):
    """z[i][j] = L(center + x[j]·d₁ + y[i]·d₂): drawn like any surface, α across, β up."""

    method: Literal["random", "pca"]
    center: list[float] = Field(description="the weights at α = β = 0")
    directions: list[list[float]] = Field(description="d₁ and d₂, each of the network's dim")
    explained: list[float] | None = Field(
        description="pca: the share of the path's variance along d₁ and d₂"
    )
    path: list[list[float]] | None = Field(description="the path's (α, β) on the plane")
    path_offset: list[float] | None = Field(description="each path point's distance off it")
    complete: bool = Field(description="false if the time limit cut the grid (the rest null)")


class NetworkInspectOut(BaseModel):
    point: list[float]
    param_names: list[str]
    loss: Number
    gradient: list[Number]
    lambda_max: Number = Field(description="the Hessian's top eigenvalue, by Lanczos on HVPs")
    lambda_min: Number = Field(description="its bottom eigenvalue, from the same iteration")
    top_eigenvector: list[float] | None
    hvp_products: int = Field(description="Hessian-vector products used")
    residual: float = Field(description="‖H·u − λmax·u‖ of the top pair")
    sgd_lr_limit: float | None = Field(description="2 / λmax; null if λmax ≤ 0")
    stability_note: str


class Part(BaseModel):
    features: list[list[float]] = Field(description="rows in the data's own units")
    target: list[float] = Field(description="values, or class ids (index into classes)")


class Architecture(BaseModel):
    sizes: list[int] = Field(description="units per layer: inputs, hidden..., outputs")
    activation: str
    output: Literal["mse", "bce", "ce"]


class Grid(BaseModel):
    x: list[float] = Field(description="the first feature's values")
    y: list[float] | None = Field(description="the second feature's (2 features), else null")


class Layer(BaseModel):
    weight: list[list[Number]] = Field(description="(out, in): row k feeds unit k")
    bias: list[Number]


class NetworkFit(BaseModel):
    loss: Number = Field(description="the full train loss (weight decay included)")
    metrics: dict[str, Number] = Field(description="test_loss, train_/test_accuracy")
    predictions: dict[str, list[Number] | list[list[Number]]] = Field(
        description="train and test rows: values (regression) or P(class) per class"
    )
    grid: list[Number] | list[list[Number]] | list[list[list[Number]]] | None = Field(
        description=(
            "over the grid: 1 feature, [x] values or [x][class] probabilities; 2 features, "
            "[y][x] values or [y][x][class] probabilities (the decision map); else null"
        )
    )
    weights: list[Layer] = Field(description="layer by layer, input to output")
    gradient: list[Layer] = Field(description="d loss / d each weight, in the same layout")


class NetworkPredictOut(BaseModel):
    kind: Literal["network"]
    feature_names: list[str]
    target_name: str
    classes: list[str] | None
    architecture: Architecture
    samples: dict[str, Part] = Field(description="train and test rows")
    grid: Grid | None
    fits: list[NetworkFit] = Field(description="one per requested point, in order")


class DatasetOut(BaseModel):
    name: str = Field(description="the value of the query parameter `dataset`")
    kind: Literal["classification", "regression"]
    description: str
    options: list[OptionOut] = Field(
        description="each one the query parameter dataset.<name> (in a body, dataset.<name>)"
    )


class NetworkSettingsOut(BaseModel):
    dataset: dict[str, str | bool | int | float] = Field(
        description="its name and every option's value, defaults filled in"
    )
    hidden: list[int] = Field(description="units per hidden layer")
    activation: str
    output: str = Field(description="the output and its loss as chosen (auto resolved)")
    weight_decay: float
    init: str
    seed: int


class NetworkObjectiveOut(ObjectiveOut):
    """A network described as any objective: one coordinate per weight or bias (dim of them, in
    torch's parameters_to_vector order), the box around its initial weights, its options (the
    network's own; `hidden` and the dataset are in settings), and the datasets it can take."""

    data_kind: Literal["network"]  # type: ignore[assignment]
    settings: NetworkSettingsOut  # type: ignore[assignment]
    suggested_lr: dict[str, float] = Field(
        description=(
            "per optimizer a network can run (those of GET /optimizers that do not need the "
            "Hessian): a rate that suits this network, by the rule of GET /objectives"
        )
    )
    datasets: list[DatasetOut] = Field(
        description="every dataset a network takes by name, with its options"
    )
